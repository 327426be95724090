/**
 * A plan run that ends is shown, until the app reloads the history, as the ended live job: that
 * job's result must already say what the history record says (its warnings, its counts), so the
 * run does not show briefly without them. The real engine, a real repository made by the CLI,
 * a plan whose "after" command fails (a warning of the run's own) over a folder of real files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/contract.js';
import { createEngine } from '../../electron/engine/service.js';
import type { RunRecord } from '../../electron/plans/activity-log.js';
import { Session } from '../../electron/session/session.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { planRepository } from '../helpers/plan-repository.js';
import { tempDir } from '../helpers/temp-dir.js';

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a plan run as it ends', () => {
  it('the ended job carries the warnings and counts its history record has', async () => {
    const root = tempDir('cairn-plan-job-end-');
    const data = path.join(root, 'data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'a.txt'), 'first\n');
    writeFileSync(path.join(data, 'b.txt'), 'second\n');
    const { home, repo, env, ref } = await planRepository(root, 'plan-job-end-Pw-2r!Vb');
    await cairnOk(
      [
        'plan',
        'add',
        'docs',
        '--repo',
        repo,
        data,
        '--password-ref',
        ref,
        '--after',
        'echo cleanup went wrong; exit 3',
      ],
      { env },
    );
    const engine = createEngine();
    const session = new Session(engine, { mode: 'web', version: '0.0.0-test' }, home);
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    try {
      await session.handle('runPlanNow', { name: 'docs' });
      await until('the run to end', () =>
        events.some((e) => e.type !== 'started' && e.type !== 'progress' && e.type !== 'log'),
      );
    } finally {
      await session.dispose();
      await engine.close();
    }
    const out = await cairnOk(['activity', '--json'], { env });
    const [record] = (JSON.parse(out.stdout) as { runs: RunRecord[] }).runs;
    expect(record!.warnings).toEqual(['the "after" command failed (exit 3): cleanup went wrong']);
    const end = events.find((e) => e.type === 'succeeded');
    expect(end?.type === 'succeeded' && end.result.kind === 'backup').toBe(true);
    if (end?.type !== 'succeeded' || end.result.kind !== 'backup') return;
    expect(end.result.warnings.map((w) => w.message)).toEqual(record!.warnings);
    const stats = end.result.snapshot.stats;
    expect([stats.files_new, stats.bytes_added]).toEqual([
      record!.stats!.files_new,
      record!.stats!.bytes_added,
    ]);
    expect(stats.files_new).toBe(2);
  });
});
