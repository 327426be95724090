/**
 * Plan runs as live jobs in the host that runs them (`cairn serve` and the desktop app host the
 * plans and the UI session in one process): "Run now" and a run the scheduler started both
 * reach the session as a job with the plan's name and progress, are listed in the session state
 * while they run, and are cancelled by the session's cancelJob — recorded as cancelled in the
 * activity history (with the same job id), the repository sound. The real engine, real files,
 * a real repository made by the CLI.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent, SessionState } from '../../shared/contract.js';
import { createEngine } from '../../electron/engine/service.js';
import type { EngineService } from '../../electron/engine/service-types.js';
import type { RunRecord } from '../../electron/plans/activity-log.js';
import { planFiles } from '../../electron/plans/plan-files.js';
import { startPlanHost, type PlanHost } from '../../electron/plans/plan-host.js';
import { PlanJobBoard, planJobsOf } from '../../electron/plans/plan-jobs.js';
import { Session } from '../../electron/session/session.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { planRepository } from '../helpers/plan-repository.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Host {
  home: string;
  repo: string;
  env: Record<string, string>;
  engine: EngineService;
  plans: PlanHost;
  session: Session;
  events: JobEvent[];
}

let host: Host | undefined;
afterEach(async () => {
  if (host === undefined) return;
  await host.plans.stop();
  await host.session.dispose();
  await host.engine.close();
  host = undefined;
});

/** A repository, a plan of ~24 MB of files, and the plan host with a session, as serve has them. */
async function startHost(scheduleArgs: string[], beforeStart?: (home: string) => Promise<void>) {
  const root = tempDir('cairn-plan-jobs-');
  const data = path.join(root, 'data');
  mkdirSync(data);
  for (let i = 0; i < 24; i++) writeFileSync(path.join(data, `f${i}.bin`), randomBytes(1 << 20));
  const { home, repo, env, ref } = await planRepository(root, 'plan-jobs-Pw-8q!Lm');
  await cairnOk(
    ['plan', 'add', 'docs', '--repo', repo, data, '--password-ref', ref, ...scheduleArgs],
    { env },
  );
  await beforeStart?.(home);
  const engine = createEngine({ keepOpen: true });
  const board = new PlanJobBoard();
  let plans: PlanHost | undefined = undefined;
  const session = new Session(engine, { mode: 'web', version: '0.0.0-test' }, home, {
    planJobs: planJobsOf(board, (name) => plans!.runNow(name)),
  });
  const events: JobEvent[] = [];
  session.subscribe((e) => events.push(e));
  plans = await startPlanHost({ engine, files: planFiles(home), board, pollMs: 60_000 });
  host = { home, repo, env, engine, plans, session, events };
  return host;
}

/** Cancels the plan's job at its first progress, noting what the session state said then. */
function cancelAtFirstProgress(h: Host): { state: Promise<SessionState | undefined> } {
  let state: Promise<SessionState | undefined> = Promise.resolve(undefined);
  let done = false;
  h.session.subscribe((e) => {
    if (e.type !== 'progress' || done) return;
    done = true;
    // Both calls act at once (before the engine moves on): the state lists the job, and the
    // cancel reaches its signal.
    state = h.session
      .handle('getSessionState', {})
      .then((r) => (r.ok ? (r.value as SessionState) : undefined));
    void h.session.handle('cancelJob', { jobId: e.jobId });
  });
  return {
    get state() {
      return state;
    },
  };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function activity(h: Host): Promise<RunRecord[]> {
  const out = await cairnOk(['activity', '--json'], { env: h.env });
  return (JSON.parse(out.stdout) as { runs: RunRecord[] }).runs;
}

const ended = (e: JobEvent) =>
  e.type === 'succeeded' || e.type === 'failed' || e.type === 'cancelled';

describe('plan runs as live jobs', () => {
  it('Run now is a job with progress that Cancel stops; the run is recorded as cancelled', async () => {
    const h = await startHost([]);
    const probe = cancelAtFirstProgress(h);
    expect(await h.session.handle('runPlanNow', { name: 'docs' })).toEqual({
      ok: true,
      value: { started: true },
    });
    await until('the run to end', () => h.events.some(ended));
    const started = h.events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ type: 'started', kind: 'backup', plan: 'docs' });
    const jobId = started!.jobId;
    expect(h.events.find(ended)).toEqual({ type: 'cancelled', jobId });
    const state = await probe.state;
    expect(state?.jobs).toContainEqual(
      expect.objectContaining({ jobId, plan: 'docs', status: 'running' }),
    );

    // A second Run now runs to the end: its snapshot is the one recorded.
    h.events.length = 0;
    await h.session.handle('runPlanNow', { name: 'docs' });
    await until('the second run to end', () => h.events.some(ended));
    const second = h.events.find(ended);
    expect(second?.type).toBe('succeeded');

    const runs = await activity(h);
    expect(runs.map((r) => [r.plan, r.trigger, r.result, r.job])).toEqual([
      ['docs', 'manual', 'cancelled', jobId],
      ['docs', 'manual', 'ok', second!.jobId],
    ]);
    expect(second?.type === 'succeeded' && second.result.kind === 'backup').toBe(true);
    if (second?.type === 'succeeded' && second.result.kind === 'backup')
      expect(runs[1]!.snapshot).toBe(second.result.snapshot.id);
    await cairnOk(['check', '--repo', h.repo, '--read-data'], { env: h.env });
    const snapshots = await cairnOk(['snapshots', '--repo', h.repo, '--json'], { env: h.env });
    expect((JSON.parse(snapshots.stdout) as unknown[]).length).toBe(1);
  });

  it('a run the scheduler started shows as a job while it runs, and Cancel stops it', async () => {
    // Due a minute ago: the host's scheduler catches it up as soon as it starts.
    const h = await startHost(['--every', '1h'], async (home) => {
      await planFiles(home).state.update('docs', (s) => ({
        ...s,
        nextRun: new Date(Date.now() - 60_000).toISOString(),
      }));
    });
    const probe = cancelAtFirstProgress(h);
    await until('the run to end', () => h.events.some(ended));
    const started = h.events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ kind: 'backup', plan: 'docs' });
    expect(h.events.find(ended)).toEqual({ type: 'cancelled', jobId: started!.jobId });
    expect((await probe.state)?.jobs).toContainEqual(
      expect.objectContaining({ jobId: started!.jobId, plan: 'docs', status: 'running' }),
    );
    await h.plans.scheduler.settled();
    const runs = await activity(h);
    expect(runs.map((r) => [r.trigger, r.result, r.job])).toEqual([
      ['catch-up', 'cancelled', started!.jobId],
    ]);
    // Cancelled by a person is not a failure: no retry, the next run is the schedule's.
    expect(h.plans.scheduler.status()).toContainEqual(
      expect.objectContaining({ name: 'docs', failures: 0, running: false }),
    );
    await cairnOk(['check', '--repo', h.repo, '--read-data'], { env: h.env });
  });

  it('without a plan host in the process, Run now still runs as a job of the session', async () => {
    const root = tempDir('cairn-plan-jobs-local-');
    const data = path.join(root, 'data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'a.txt'), 'kept\n');
    const { home, repo, env, ref } = await planRepository(root, 'plan-jobs-local-Pw-5t!Hs');
    await cairnOk(['plan', 'add', 'docs', '--repo', repo, data, '--password-ref', ref], { env });
    const engine = createEngine();
    const session = new Session(engine, { mode: 'web', version: '0.0.0-test' }, home);
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    try {
      await session.handle('runPlanNow', { name: 'docs' });
      await until('the run to end', () => events.some(ended));
    } finally {
      await session.dispose();
      await engine.close();
    }
    const started = events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ kind: 'backup', plan: 'docs' });
    expect(events.find(ended)).toMatchObject({ type: 'succeeded', jobId: started!.jobId });
    const out = await cairnOk(['activity', '--json'], { env });
    expect(
      (JSON.parse(out.stdout) as { runs: RunRecord[] }).runs.map((r) => [r.result, r.job]),
    ).toEqual([['ok', started!.jobId]]);
  });
});
