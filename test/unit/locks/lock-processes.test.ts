/**
 * Locks held by real, separate processes: what two Cairn runs on one machine (or a run that
 * was killed) look like to each other.
 */
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, type Lock } from '../../../electron/engine/repository/locks.js';
import {
  createRepository,
  refusal,
  startHolder,
  stop,
  waitFor,
  type Holder,
  type TestRepository,
} from './lock-test-kit.js';

let repo: TestRepository;
const holders: Holder[] = [];
const held: Lock[] = [];

beforeEach(async () => {
  repo = await createRepository();
});

afterEach(async () => {
  for (const holder of holders.splice(0)) await stop(holder);
  for (const lock of held.splice(0)) await lock.release().catch(() => undefined);
  await repo.dispose();
});

function hold(config: Parameters<typeof startHolder>[1]): Holder {
  const holder = startHolder(repo, config);
  holders.push(holder);
  return holder;
}

async function take(exclusive: boolean, extra: Partial<Parameters<typeof acquireLock>[2]> = {}) {
  const lock = await acquireLock(repo.target, repo.key, {
    exclusive,
    operation: exclusive ? 'prune' : 'backup',
    ...extra,
  });
  held.push(lock);
  return lock;
}

describe('locks between processes', () => {
  it('refuses while another process holds an exclusive lock, and recovers once it is killed', async () => {
    const holder = hold({ exclusive: true, operation: 'prune', mode: 'hold' });
    const childLock = (await holder.line(/^locked /)).slice('locked '.length);

    const error = await refusal(take(false));
    expect(error.kind).toBe('repository-locked');
    expect(error.exitCode).toBe(11);
    expect(error.message).toContain('it is locked exclusively by prune');
    expect(error.message).toContain(`pid ${holder.pid} on ${os.hostname()}`);
    expect(error.message).toContain(`user ${os.userInfo().username}`);
    expect(error.message).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect(await repo.lockNames()).toEqual([childLock]);

    holder.child.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');

    const removed: string[] = [];
    const lock = await take(false, { onStaleLock: (s) => removed.push(`${s.name} ${s.reason}`) });
    expect(removed).toEqual([`${childLock} process ${holder.pid} on ${os.hostname()} is gone`]);
    expect(await repo.lockNames()).toEqual([lock.name]);
  });

  it('lets a shared lock join another process’s shared lock, but refuses an exclusive one', async () => {
    const holder = hold({ exclusive: false, operation: 'backup', mode: 'hold' });
    const childLock = (await holder.line(/^locked /)).slice('locked '.length);

    const mine = await take(false);
    expect(await repo.lockNames()).toEqual([childLock, mine.name].sort());
    await mine.release();

    const error = await refusal(take(true));
    expect(error.message).toContain(
      `it is locked by backup (pid ${holder.pid} on ${os.hostname()}`,
    );
    expect(await repo.lockNames()).toEqual([childLock]);

    holder.child.kill('SIGTERM');
    await holder.line(/^released$/);
    await take(true);
  });

  it('refuses a live remote holder that keeps its heartbeat, and takes over once it stops', async () => {
    if (process.platform === 'win32') return; // needs SIGSTOP
    const holder = hold({
      exclusive: false,
      operation: 'backup',
      mode: 'hold',
      hostname: 'other-host', // no pid check: only the heartbeat speaks for it
      heartbeatMs: 50,
      staleAfterMs: 1_000,
    });
    const first = (await holder.line(/^locked /)).slice('locked '.length);
    const started = Date.now();
    // Older than the threshold, yet kept alive by its heartbeat.
    await waitFor('the lock to outlive the threshold', async () => {
      const names = await repo.lockNames();
      return Date.now() - started > 1_500 && names.length === 1 && names[0] !== first;
    });
    const error = await refusal(take(true, { staleAfterMs: 1_000, heartbeatMs: 100 }));
    expect(error.message).toContain('locked by backup (pid');
    expect(error.message).toContain('on other-host');

    holder.child.kill('SIGSTOP'); // frozen: alive, but silent
    const reasons: string[] = [];
    const lock = await take(true, {
      staleAfterMs: 1_000,
      heartbeatMs: 100,
      retryForMs: 20_000,
      onStaleLock: (s) => reasons.push(s.reason),
    });
    // Frozen between writing a new heartbeat and removing the old file, it leaves two.
    expect(reasons.length).toBeGreaterThanOrEqual(1);
    for (const reason of reasons) expect(reason).toMatch(/^no heartbeat for \d+ s$/);

    // Woken up, the old holder finds its lock gone and stops instead of writing it back.
    holder.child.kill('SIGCONT');
    expect(await holder.line(/^lost /)).toContain('was removed by another process');
    expect((await holder.exited).code).toBe(3);
    expect(await repo.lockNames()).toEqual([lock.name]);
  });

  it('does not keep a process alive just by holding a lock', async () => {
    const holder = hold({ exclusive: true, operation: 'prune', mode: 'exit', heartbeatMs: 10 });
    await holder.line(/^locked /);
    expect(await holder.exited).toEqual({ code: 0, signal: null });
    // It ended without releasing: the lock is stale now, and goes on the next acquire.
    await take(true);
    expect(await repo.lockNames()).toHaveLength(1);
  });
});
