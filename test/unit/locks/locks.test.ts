import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CairnError } from '../../../electron/engine/errors.js';
import { decodeLock } from '../../../electron/engine/repository/lock-file.js';
import { acquireLock, withLock, type Lock } from '../../../electron/engine/repository/locks.js';
import { createRepository, refusal, waitFor, type TestRepository } from './lock-test-kit.js';

let repo: TestRepository;
const held: Lock[] = [];

beforeEach(async () => {
  repo = await createRepository();
});

afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release().catch(() => undefined);
  await repo.dispose();
});

async function take(exclusive: boolean, extra: Partial<Parameters<typeof acquireLock>[2]> = {}) {
  const lock = await acquireLock(repo.target, repo.key, {
    exclusive,
    operation: exclusive ? 'prune' : 'backup',
    ...extra,
  });
  held.push(lock);
  return lock;
}

describe('lock files', () => {
  it('stores a sealed lock named by the SHA-256 of its bytes, and removes it on release', async () => {
    const lock = await take(false);
    expect(await repo.lockNames()).toEqual([lock.name]);
    const bytes = await repo.target.load('locks', lock.name);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(lock.name);
    expect(bytes.includes(Buffer.from(os.hostname()))).toBe(false); // sealed, not plain JSON
    const record = decodeLock(repo.key, lock.name, bytes);
    expect(record).toMatchObject({
      hostname: os.hostname(),
      username: os.userInfo().username,
      pid: process.pid,
      exclusive: false,
      operation: 'backup',
    });
    expect(record.heartbeat).toBe(record.time);
    expect(Date.parse(record.time)).not.toBeNaN();

    await lock.release();
    await lock.release();
    expect(await repo.lockNames()).toEqual([]);
  });

  it('refresh writes a newer heartbeat under a new name and removes the old file', async () => {
    const lock = await take(true);
    const first = lock.name;
    const before = decodeLock(repo.key, first, await repo.target.load('locks', first));
    await waitFor('the clock to move', () => Date.now() > Date.parse(before.heartbeat));
    await lock.refresh();
    expect(lock.name).not.toBe(first);
    expect(await repo.lockNames()).toEqual([lock.name]);
    const after = decodeLock(repo.key, lock.name, await repo.target.load('locks', lock.name));
    expect(after.time).toBe(before.time);
    expect(Date.parse(after.heartbeat)).toBeGreaterThan(Date.parse(before.heartbeat));
  });

  it('refreshes on its own timer', async () => {
    const lock = await take(false, { heartbeatMs: 20, staleAfterMs: 5_000 });
    const seen = new Set([lock.name]);
    await waitFor('three heartbeats', () => {
      seen.add(lock.name);
      return seen.size >= 4;
    });
    await lock.release();
    expect(await repo.lockNames()).toEqual([]);
  });

  it('rejects timings that would let a live lock look stale', async () => {
    const error = await refusal(take(false, { heartbeatMs: 1_000, staleAfterMs: 1_000 }));
    expect(error.kind).toBe('invalid-argument');
  });
});

describe('conflicts', () => {
  it('lets shared locks coexist', async () => {
    const a = await take(false);
    const b = await take(false);
    expect(await repo.lockNames()).toEqual([a.name, b.name].sort());
  });

  it('refuses an exclusive lock while a shared one is live, naming the holder', async () => {
    await take(false);
    const error = await refusal(take(true));
    expect(error.kind).toBe('repository-locked');
    expect(error.exitCode).toBe(11);
    expect(error.message).toContain(`cannot lock ${repo.dir} for prune: it is locked by backup`);
    expect(error.message).toContain(`pid ${process.pid} on ${os.hostname()}`);
    expect(error.message).toContain(`user ${os.userInfo().username}`);
    expect(error.message).toMatch(/since \d{4}-\d\d-\d\dT[\d:.]+Z, last heartbeat \d+ s ago/);
    expect(await repo.lockNames()).toHaveLength(1); // ours was not left behind
  });

  it('refuses a shared lock while an exclusive one is live', async () => {
    await take(true);
    const error = await refusal(take(false));
    expect(error.message).toContain('it is locked exclusively by prune');
  });

  it('refuses a second exclusive lock', async () => {
    await take(true);
    expect((await refusal(take(true))).kind).toBe('repository-locked');
  });

  it('never grants two exclusive locks to acquirers that race', async () => {
    for (let round = 0; round < 10; round += 1) {
      const results = await Promise.allSettled([take(true), take(true), take(true)]);
      const granted = results.filter((r) => r.status === 'fulfilled');
      expect(granted.length).toBeLessThanOrEqual(1);
      for (const r of results) {
        if (r.status === 'rejected')
          expect((r.reason as CairnError).kind).toBe('repository-locked');
      }
      for (const lock of held.splice(0)) await lock.release();
      expect(await repo.lockNames()).toEqual([]);
    }
  });

  it('never grants an exclusive lock together with a shared one when they race', async () => {
    for (let round = 0; round < 10; round += 1) {
      const [exclusive, ...shared] = await Promise.allSettled([
        take(true),
        take(false),
        take(false),
      ]);
      if (exclusive?.status === 'fulfilled') {
        expect(shared.every((r) => r.status === 'rejected')).toBe(true);
      }
      for (const lock of held.splice(0)) await lock.release();
    }
  });

  it('with a retry window, exactly one of two racing exclusive acquirers wins', async () => {
    const results = await Promise.allSettled([
      take(true, { retryForMs: 1_500 }),
      take(true, { retryForMs: 1_500 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('stops waiting when its signal aborts', async () => {
    await take(true);
    const controller = new AbortController();
    const waiting = take(false, { retryForMs: 60_000, signal: controller.signal });
    controller.abort();
    const error = await refusal(waiting);
    expect(error.kind).toBe('cancelled');
    expect(error.message).toContain('held by prune (pid');
  });

  it('waits within the retry window for a holder to release', async () => {
    const holder = await take(true);
    const waiting = take(false, { retryForMs: 20_000 });
    await holder.release();
    const lock = await waiting;
    expect(await repo.lockNames()).toEqual([lock.name]);
  });
});

describe('stale locks', () => {
  it('removes a lock whose heartbeat is older than the threshold', async () => {
    const stale = await repo.plantLock({
      exclusive: true,
      operation: 'prune',
      heartbeat: new Date(Date.now() - 31 * 60_000).toISOString(),
    });
    const removed: string[] = [];
    const lock = await take(true, { onStaleLock: (s) => removed.push(`${s.name}: ${s.reason}`) });
    expect(removed).toEqual([`${stale}: no heartbeat for 31 min`]);
    expect(await repo.lockNames()).toEqual([lock.name]);
  });

  it('respects a lock from another host whose heartbeat is recent', async () => {
    await repo.plantLock({ heartbeat: new Date(Date.now() - 60_000).toISOString() });
    const error = await refusal(take(true));
    expect(error.message).toContain('locked by backup (pid 1 on elsewhere, user someone)');
    expect(error.message).toContain('last heartbeat 60 s ago');
  });

  it('removes a lock of this host whose process has exited', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid ?? -1;
    await new Promise((resolve) => child.on('exit', resolve));
    await repo.plantLock({ hostname: os.hostname(), pid, exclusive: true });
    const reasons: string[] = [];
    await take(true, { onStaleLock: (s) => reasons.push(s.reason) });
    expect(reasons).toEqual([`process ${pid} on ${os.hostname()} is gone`]);
  });

  it('removes a lock of this host with a live pid but no heartbeat (pid reused)', async () => {
    await repo.plantLock({
      hostname: os.hostname(),
      pid: process.pid,
      heartbeat: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    });
    await take(true);
    expect(await repo.lockNames()).toHaveLength(1);
  });

  it('lets a short threshold make a silent lock stale', async () => {
    await repo.plantLock({ exclusive: true });
    const lock = await take(false, { heartbeatMs: 10, staleAfterMs: 200, retryForMs: 10_000 });
    expect(await repo.lockNames()).toEqual([lock.name]);
  });
});

describe('unreadable lock files', () => {
  it('refuses to guess about a lock it cannot read, naming the file', async () => {
    const name = 'ab'.repeat(32);
    await repo.target.save('locks', name, Buffer.from('not a sealed lock, just bytes'));
    const error = await refusal(take(false));
    expect(error.kind).toBe('corrupt');
    expect(error.message).toContain(`lock file locks/${name} cannot be read`);
    expect(await repo.lockNames()).toEqual([name]);
  });

  it('ignores an empty lock file (an interrupted upload)', async () => {
    await repo.target.save('locks', 'cd'.repeat(32), new Uint8Array(0));
    await take(true);
  });
});

describe('a lost lock', () => {
  it('aborts its signal when a refresh finds the file removed by another process', async () => {
    const lock = await take(false);
    await repo.target.remove('locks', lock.name);
    const error = await refusal(lock.refresh());
    expect(error.kind).toBe('repository-locked');
    expect(error.message).toContain('was removed by another process');
    expect(lock.signal.aborted).toBe(true);
    expect(lock.signal.reason).toBe(error);
    expect(await repo.lockNames()).toEqual([]); // it does not quietly come back
  });

  it('withdraws a refreshed file when the old one vanished while it was being written', async () => {
    const racing = Object.create(repo.target) as typeof repo.target;
    const hooks: { beforeSave?: () => Promise<void> } = {};
    racing.save = async (kind, name, data) => {
      // Another process removes the lock as stale at the worst moment: mid-refresh.
      await hooks.beforeSave?.();
      return repo.target.save(kind, name, data);
    };
    const lock = await acquireLock(racing, repo.key, { exclusive: false, operation: 'backup' });
    held.push(lock);
    const old = lock.name;
    hooks.beforeSave = () => repo.target.remove('locks', old);
    const error = await refusal(lock.refresh());
    expect(error.message).toContain('was removed by another process');
    expect(lock.signal.aborted).toBe(true);
    expect(await repo.lockNames()).toEqual([]);
  });

  it('aborts its signal when the heartbeat cannot be written for too long', async () => {
    const failing = Object.create(repo.target) as typeof repo.target;
    let broken = false;
    failing.list = async (kind) => {
      if (broken) throw new Error('target unreachable');
      return repo.target.list(kind);
    };
    const lock = await acquireLock(failing, repo.key, {
      exclusive: false,
      operation: 'backup',
      heartbeatMs: 20,
      staleAfterMs: 200,
    });
    held.push(lock);
    broken = true;
    await waitFor('the lock to be given up', () => lock.signal.aborted);
    expect((lock.signal.reason as CairnError).message).toMatch(/cannot refresh the backup lock/);
  });
});

describe('confirming a lock before a step that needs it', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('after a silence past the heartbeat (a frozen process), refreshes, and fails if the lock was removed', async () => {
    // The clock jumps as it does for a process that was stopped or asleep; the heartbeat
    // timer is held back so that only confirm() can notice.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const lock = await take(true);
    await lock.confirm(); // heartbeats on time: nothing to do
    expect(await repo.lockNames()).toEqual([lock.name]);

    vi.setSystemTime(Date.now() + 10 * 60_000);
    const before = lock.name;
    await lock.confirm(); // still there: renewed under a new name
    expect(lock.name).not.toBe(before);
    expect(await repo.lockNames()).toEqual([lock.name]);

    vi.setSystemTime(Date.now() + 40 * 60_000);
    await repo.target.remove('locks', lock.name); // judged stale by another process meanwhile
    const error = await refusal(lock.confirm());
    expect(error.kind).toBe('repository-locked');
    expect(error.message).toContain('was removed by another process');
    expect(lock.signal.aborted).toBe(true);
    await expect(lock.confirm()).rejects.toBe(error);
  });
});

describe('withLock', () => {
  it('holds the lock while the operation runs and releases it after', async () => {
    const result = await withLock(
      repo.target,
      repo.key,
      { exclusive: true, operation: 'prune' },
      async (lock) => {
        expect(await repo.lockNames()).toEqual([lock.name]);
        expect(lock.signal.aborted).toBe(false);
        return 42;
      },
    );
    expect(result).toBe(42);
    expect(await repo.lockNames()).toEqual([]);
  });

  it('releases the lock and passes the error on when the operation fails', async () => {
    const failure = new Error('disk full');
    await expect(
      withLock(repo.target, repo.key, { exclusive: false, operation: 'backup' }, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await repo.lockNames()).toEqual([]);
  });

  it('does not run the operation when the lock is refused', async () => {
    await take(true);
    let ran = false;
    const error = await refusal(
      withLock(repo.target, repo.key, { exclusive: false, operation: 'backup' }, async () => {
        ran = true;
      }),
    );
    expect(error.kind).toBe('repository-locked');
    expect(ran).toBe(false);
  });
});
