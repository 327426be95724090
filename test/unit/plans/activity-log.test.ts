/**
 * The activity history on real files: bounded (each plan and the app's jobs keep their newest
 * runs, runs still going are kept, the logs of dropped runs go with them), compacted without
 * losing a line appended at the same time, and read from the end for the newest runs, with the
 * same answer as reading it whole.
 */
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActivityLog, type RunRecord } from '../../../electron/plans/activity-log.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-activity-log-');
let n = 0;
const dirOf = () => path.join(root, `activity${n++}`);

let clock = Date.parse('2026-01-01T00:00:00Z');
function started(log: ActivityLog, plan: string | null, pid = 999_999_999): RunRecord {
  clock += 1000;
  const id = log.newRunId(clock);
  return {
    id,
    plan,
    trigger: plan === null ? 'app' : 'schedule',
    started: new Date(clock).toISOString(),
    ended: null,
    result: 'running',
    snapshot: null,
    stats: null,
    warnings: [],
    error: null,
    forgotten: 0,
    pruned: false,
    verified: null,
    log: log.logFile(id),
    pid,
  };
}

function ended(record: RunRecord): RunRecord {
  return { ...record, ended: new Date(clock).toISOString(), result: 'ok', snapshot: 'abc' };
}

/** A run with its log file, start and end lines. */
async function fullRun(log: ActivityLog, plan: string | null): Promise<RunRecord> {
  const record = started(log, plan);
  mkdirSync(path.dirname(record.log), { recursive: true });
  writeFileSync(record.log, `log of ${record.id}\n`);
  await log.append(record);
  await log.append(ended(record));
  return record;
}

describe('ActivityLog', () => {
  it('keeps each plan’s newest runs and the app’s, runs still going, and drops the rest with their logs', async () => {
    const log = new ActivityLog(dirOf(), { keepPerGroup: 3, compactFromBytes: 1 });
    // Started first and still going (this process): kept whatever its age.
    const going = started(log, 'a', process.pid);
    await log.append(going);
    const a: RunRecord[] = [];
    const app: RunRecord[] = [];
    for (let i = 0; i < 8; i++) {
      a.push(await fullRun(log, 'a'));
      if (i < 5) app.push(await fullRun(log, null));
    }
    const b = await fullRun(log, 'b');

    const runs = await log.list();
    expect(runs.map((r) => r.id)).toEqual(
      [going, ...a.slice(-3), ...app.slice(-3), b]
        .sort((x, y) => (x.started < y.started ? -1 : 1))
        .map((r) => r.id),
    );
    expect(runs.find((r) => r.id === going.id)?.result).toBe('running');
    expect(runs.every((r) => r.id === going.id || r.result === 'ok')).toBe(true);
    for (const r of [...a.slice(0, 5), ...app.slice(0, 2)]) expect(existsSync(r.log)).toBe(false);
    for (const r of [...a.slice(-3), ...app.slice(-3), b]) expect(existsSync(r.log)).toBe(true);
    // One line a run once compacted.
    const lines = readFileSync(path.join(log.dir, 'runs.ndjson'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(runs.length);
  });

  it('stays bounded however many runs come, and compacts only once the file has doubled', async () => {
    const log = new ActivityLog(dirOf(), { keepPerGroup: 5, compactFromBytes: 4000 });
    const file = path.join(log.dir, 'runs.ndjson');
    let largest = 0;
    let last: RunRecord | undefined;
    for (let i = 0; i < 200; i++) {
      last = await fullRun(log, 'busy');
      largest = Math.max(largest, statSync(file).size);
    }
    const kept = await log.list();
    expect(kept.length).toBeLessThanOrEqual(5 + 2 * 5 + 2);
    expect(kept.at(-1)?.id).toBe(last!.id);
    expect(largest).toBeLessThan(20_000);
  });

  it('loses no line that another writer appends while it compacts', async () => {
    const dir = dirOf();
    const one = new ActivityLog(dir, { compactFromBytes: 1 });
    const other = new ActivityLog(dir, { compactFromBytes: 1 });
    const written = await Promise.all(
      Array.from({ length: 40 }, (_, i) => fullRun(i % 2 === 0 ? one : other, `p${i % 3}`)),
    );
    const runs = await one.list();
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(written.map((r) => r.id)));
    expect(runs.every((r) => r.result === 'ok')).toBe(true);
  });

  it('reads the newest runs from the end, as reading it whole would', async () => {
    const log = new ActivityLog(dirOf());
    // Overlapping runs (a long one ends after later ones started) over many 64 KiB pieces.
    const long = started(log, 'long');
    await log.append(long);
    const open: RunRecord[] = [];
    for (let i = 0; i < 1200; i++) {
      const r = started(log, i % 4 === 0 ? null : `p${i % 3}`);
      r.warnings = [`warning ${'x'.repeat(i % 200)}`];
      await log.append(r);
      open.push(r);
      if (open.length > 3) await log.append(ended(open.shift()!));
      if (i === 1000) await log.append(ended(long));
    }
    expect(statSync(path.join(log.dir, 'runs.ndjson')).size).toBeGreaterThan(4 * 64 * 1024);
    const whole = (await log.list()).sort((x, y) => (x.started < y.started ? 1 : -1));
    for (const limit of [1, 7, 300, 5000]) {
      expect(await log.recent(limit)).toEqual(whole.slice(0, limit));
      expect(await log.recent(limit, { plan: 'p1' })).toEqual(
        whole.filter((r) => r.plan === 'p1').slice(0, limit),
      );
    }
    expect(await log.recent(5000, { plan: 'long' })).toMatchObject([{ id: long.id, result: 'ok' }]);
  });
});
