/**
 * Copying snapshots from the app: the session's `startCopy` over the real engine, into a new
 * local repository and again (everything already there), and the request's own refusals.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobEvent, JobResult } from '../../../shared/contract.js';
import type { ActivityRun } from '../../../shared/activity.js';
import type { Snapshot } from '../../../shared/domain.js';
import { formatBytes } from '../../../shared/format.js';
import { createEngine } from '../../../electron/engine/service.js';
import { Session } from '../../../electron/session/session.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-session-copy-');
const web = { mode: 'web' as const, version: '0.0.0-test' };

async function until(events: JobEvent[], jobId: string): Promise<JobEvent> {
  for (let i = 0; i < 6000; i++) {
    const found = events.find(
      (e) => e.jobId === jobId && (e.type === 'succeeded' || e.type === 'failed'),
    );
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function succeeded(events: JobEvent[], jobId: string): Promise<JobResult> {
  const end = await until(events, jobId);
  if (end.type !== 'succeeded') throw new Error(`job ${jobId} ended: ${JSON.stringify(end)}`);
  return end.result;
}

describe('copying snapshots from the app', () => {
  it('copies two snapshots into a new repository, then finds both already there', async () => {
    const engine = createEngine();
    const session = new Session(engine, web, path.join(root, 'home'));
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    const data = path.join(root, 'data');
    await mkdir(data, { recursive: true });
    await writeFile(path.join(data, 'a.txt'), 'first version\n');
    const source = path.join(root, 'source');
    await session.handle('createRepository', { location: source, password: 'source-pw' });
    await session.handle('startBackup', { jobId: 'backup-0001', paths: [data] });
    await succeeded(events, 'backup-0001');
    await writeFile(path.join(data, 'a.txt'), 'second version\n');
    await session.handle('startBackup', { jobId: 'backup-0002', paths: [data] });
    await succeeded(events, 'backup-0002');
    const listed = await session.handle('listSnapshots', {});
    if (!listed.ok) throw new Error(listed.error.message);
    const ids = (listed.value as Snapshot[]).map((s) => s.id);
    expect(ids).toHaveLength(2);

    const destination = { location: path.join(root, 'dest'), password: 'dest-pw' };
    const first = await session.handle('startCopy', {
      jobId: 'copy-00001',
      snapshots: ids,
      destination,
      create: true,
    });
    expect(first).toEqual({ ok: true, value: { jobId: 'copy-00001' } });
    const copied = await succeeded(events, 'copy-00001');
    expect(copied).toMatchObject({
      kind: 'copy',
      summary: { destination: destination.location, created: true, skipped: [] },
    });
    if (copied.kind !== 'copy') throw new Error('not a copy');
    expect(copied.summary.copied.map((c) => c.source).sort()).toEqual([...ids].sort());

    // The destination, opened by the engine with its own password, holds both, with their bytes.
    const held = await engine.listSnapshots(destination);
    expect(held.map((s) => s.original).sort()).toEqual([...ids].sort());
    const latest = held.find((s) => s.original === ids[ids.length - 1]);
    const restored = path.join(root, 'restored');
    await engine.restore(destination, {
      snapshot: latest!.id,
      target: restored,
      overwrite: 'always',
    });
    const file = path.join(restored, 'data', 'a.txt');
    expect(await readFile(file, 'utf8')).toBe('second version\n');

    // Again into the existing repository: nothing new, and the source stays open.
    await session.handle('startCopy', {
      jobId: 'copy-00002',
      snapshots: ids,
      destination,
      create: false,
    });
    const again = await succeeded(events, 'copy-00002');
    expect(again).toMatchObject({ kind: 'copy', summary: { created: false, copied: [] } });
    if (again.kind !== 'copy') throw new Error('not a copy');
    expect(again.summary.skipped).toHaveLength(2);
    expect(await engine.listSnapshots(destination)).toHaveLength(2);
    expect(await session.handle('getSessionState', {})).toMatchObject({
      ok: true,
      value: { repository: { location: source } },
    });

    // Activity keeps both runs, each in a line.
    const activity = await session.handle('listActivity', {});
    if (!activity.ok) throw new Error(activity.error.message);
    const runs = (activity.value as ActivityRun[]).filter((r) => r.kind === 'copy');
    expect(runs.map((r) => r.summary)).toEqual([
      `0 snapshots copied to ${destination.location} (0 B added), 2 already there`,
      `2 snapshots copied to ${destination.location} (new repository) (${formatBytes(copied.summary.bytes_added)} added), 0 already there`,
    ]);
  });

  it('refuses, in the request itself, a wrong password, a missing repository and the source', async () => {
    const session = new Session(createEngine(), web);
    const source = path.join(root, 'source-2');
    await session.handle('createRepository', { location: source, password: 'source-pw' });
    const other = path.join(root, 'other');
    await new Session(createEngine(), web).handle('createRepository', {
      location: other,
      password: 'other-pw',
    });
    const copy = (location: string, password: string, n: number) =>
      session.handle('startCopy', {
        jobId: `copy-refused-${n}`,
        snapshots: ['latest'],
        destination: { location, password },
        create: false,
      });
    expect(await copy(other, 'not-it', 1)).toMatchObject({
      ok: false,
      error: { kind: 'wrong-password' },
    });
    expect(await copy(path.join(root, 'nowhere'), 'x', 2)).toMatchObject({
      ok: false,
      error: { kind: 'repository-not-found' },
    });
    expect(await copy(source, 'source-pw', 3)).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument', message: expect.stringContaining('open repository') },
    });
    expect(await session.handle('getSessionState', {})).toMatchObject({
      ok: true,
      value: { jobs: [] },
    });
  });
});
