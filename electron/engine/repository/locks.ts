/**
 * Repository locks (docs/repository-format.md, "Locks"). Backups take shared locks, prune an exclusive one: any number of
 * shared locks may coexist (two machines may back up into one repository at once), an
 * exclusive lock tolerates no other lock.
 *
 * Taking a lock follows restic: look for conflicting locks, write ours, then look again. Two
 * processes that both saw no conflict have both written their files before either looks the
 * second time, so at least one of them sees the other, removes its own file and backs off.
 *
 * Stale locks (lock-staleness.ts) are removed on the way, so a killed backup never leaves the
 * repository locked for the user to clean up. A held lock refreshes its heartbeat on a timer
 * that does not keep the process alive; if the lock is lost (another process judged it stale
 * and removed it), `signal` aborts so that the operation can stop before it collides.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CairnError, errorMessage, isNotFound } from '../errors.js';
import type { FileInfo, Target } from '../targets/target.js';
import { decodeLock, encodeLock, type LockOperation, type LockRecord } from './lock-file.js';
import { removeStaleLeftovers } from './lock-leftovers.js';
import { formatAge, isProcessAlive, staleReason } from './lock-staleness.js';
import { hostName } from '../util/host-name.js';

export const DEFAULT_HEARTBEAT_MS = 60_000;
export const DEFAULT_STALE_AFTER_MS = 30 * 60_000;

export interface LockOptions {
  exclusive: boolean;
  operation: LockOperation;
  /** How long to keep trying while a live conflicting lock exists; default 0: fail at once. */
  retryForMs?: number;
  /** Default one minute. */
  heartbeatMs?: number;
  /** A lock whose heartbeat is older than this is stale; default 30 minutes. */
  staleAfterMs?: number;
  /** This host's name as written into locks; default hostName() (CAIRN_HOSTNAME, else the system's). */
  hostname?: string;
  /** Stops waiting out the retry window; the acquire then fails with CairnError('cancelled'). */
  signal?: AbortSignal;
  /** Told about each stale lock removed, e.g. to log it. */
  onStaleLock?: (stale: { name: string; record: LockRecord; reason: string }) => void;
  /**
   * For operations that only read (restore, check): when the repository cannot be written (a
   * disk the kernel remounted read-only after errors, a folder this user may only read), run
   * without a lock instead of failing, and say why through this, once. It is when a disk
   * fails that a restore is needed most.
   */
  unlockedIfReadOnly?: (reason: string) => void;
}

export interface Lock {
  readonly exclusive: boolean;
  readonly operation: LockOperation;
  /** The lock's current file under locks/; a refresh replaces it. */
  readonly name: string;
  /** Aborts, with a CairnError('repository-locked') as reason, when the lock is lost. */
  readonly signal: AbortSignal;
  /** Writes a fresh heartbeat now (the timer does this every heartbeatMs). */
  refresh(): Promise<void>;
  /**
   * Proves the lock is still ours, just before a step that must not happen without it
   * (deleting data, saving a snapshot). Free while heartbeats are on time. After a longer
   * silence (the process was frozen, the laptop asleep) others may have judged the lock stale
   * and removed it, so it writes a heartbeat first, which fails if the lock is gone.
   */
  confirm(): Promise<void>;
  /** Stops the heartbeat and removes the lock file; calling it again does nothing. */
  release(): Promise<void>;
}

interface Settings {
  exclusive: boolean;
  operation: LockOperation;
  retryForMs: number;
  heartbeatMs: number;
  staleAfterMs: number;
  hostname: string;
  onStaleLock: LockOptions['onStaleLock'];
}

type Conflict = { name: string; record: LockRecord } | { name: string; unreadable: string };

/**
 * Throws CairnError('repository-locked') naming the holder of a live conflicting lock, or
 * CairnError('corrupt') when a lock file cannot be read (it might belong to a live process).
 */
export async function acquireLock(
  target: Target,
  key: Uint8Array,
  options: LockOptions,
): Promise<Lock> {
  const settings = settingsOf(options);
  await removeLeftovers(target, key, settings);
  const deadline = Date.now() + settings.retryForMs;
  for (let attempt = 0; ; attempt += 1) {
    let conflict = await findConflict(target, key, settings);
    if (!conflict) {
      const now = new Date().toISOString();
      const record: LockRecord = {
        time: now,
        heartbeat: now,
        hostname: settings.hostname,
        username: currentUsername(),
        pid: process.pid,
        exclusive: settings.exclusive,
        operation: settings.operation,
      };
      const file = encodeLock(key, record);
      await target.save('locks', file.name, file.bytes);
      try {
        conflict = await findConflict(target, key, settings, file.name);
      } catch (err) {
        await target.remove('locks', file.name).catch(() => undefined);
        throw err;
      }
      if (!conflict) return new HeldLock(target, key, settings, file.name, record);
      await target.remove('locks', file.name);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw conflictError(target, settings, conflict);
    await sleep(Math.min(left, backoff(attempt)), undefined, { signal: options.signal }).catch(
      (err: unknown) => {
        throw new CairnError(
          'cancelled',
          `stopped waiting for the lock on ${target.displayName} (${describeConflict(conflict)})`,
          { cause: err },
        );
      },
    );
  }
}

/** Runs `fn` under a lock and releases it however `fn` ends. */
export async function withLock<T>(
  target: Target,
  key: Uint8Array,
  options: LockOptions,
  fn: (lock: Lock) => Promise<T>,
): Promise<T> {
  let lock: Lock;
  try {
    lock = await acquireLock(target, key, options);
  } catch (err) {
    const readOnly = err instanceof CairnError && err.kind === 'read-only';
    if (!readOnly || !options.unlockedIfReadOnly || options.exclusive) throw err;
    options.unlockedIfReadOnly(err.message);
    lock = noLock(options.operation);
  }
  let result: T;
  try {
    result = await fn(lock);
  } catch (err) {
    // The operation's own error is the one worth reporting, not a failed cleanup after it.
    await lock.release().catch(() => undefined);
    throw err;
  }
  await lock.release();
  return result;
}

/**
 * What stands in for a lock when none is taken (restic's `--no-lock`, or a repository that
 * cannot be written): for reading only. It is never lost, and releasing it removes nothing.
 */
export function noLock(operation: LockOperation): Lock {
  const done = (): Promise<void> => Promise.resolve();
  return {
    exclusive: false,
    operation,
    name: '',
    signal: new AbortController().signal,
    refresh: done,
    confirm: done,
    release: done,
  };
}

/** "prune (pid 4242 on laptop, user ann) since 2026-…Z, last heartbeat 12 s ago" */
export function describeHolder(record: LockRecord, nowMs = Date.now()): string {
  const heartbeat = Date.parse(record.heartbeat);
  const age = Number.isNaN(heartbeat) ? 'unknown' : `${formatAge(nowMs - heartbeat)} ago`;
  return (
    `${record.operation} (pid ${record.pid} on ${record.hostname}, user ${record.username || 'unknown'})` +
    ` since ${record.time}, last heartbeat ${age}`
  );
}

class HeldLock implements Lock {
  readonly exclusive: boolean;
  readonly operation: LockOperation;
  private current: string;
  private record: LockRecord;
  private lastHeartbeatMs: number;
  private released = false;
  private beating = false;
  /** Files of ours a refresh replaced but could not remove yet. */
  private readonly leftovers = new Set<string>();
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly target: Target,
    private readonly key: Uint8Array,
    private readonly settings: Settings,
    name: string,
    record: LockRecord,
  ) {
    this.exclusive = settings.exclusive;
    this.operation = settings.operation;
    this.current = name;
    this.record = record;
    this.lastHeartbeatMs = Date.parse(record.heartbeat);
    this.timer = setInterval(() => void this.beat(), settings.heartbeatMs);
    // A held lock must not keep a finished run (or a test) from exiting.
    this.timer.unref();
  }

  get name(): string {
    return this.current;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  refresh(): Promise<void> {
    return this.serialized(() => this.writeHeartbeat());
  }

  async confirm(): Promise<void> {
    if (this.signal.aborted) throw this.signal.reason;
    if (Date.now() - this.lastHeartbeatMs > 2 * this.settings.heartbeatMs) await this.refresh();
  }

  release(): Promise<void> {
    clearInterval(this.timer);
    return this.serialized(async () => {
      if (this.released) return;
      this.released = true;
      for (const name of [this.current, ...this.leftovers]) await this.target.remove('locks', name);
    });
  }

  /** Refresh and release never interleave: each waits for the one before. */
  private serialized(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeHeartbeat(): Promise<void> {
    if (this.released) {
      throw new CairnError('failure', `the ${this.operation} lock was already released`);
    }
    if (this.signal.aborted) throw this.signal.reason;
    if (!(await this.stillPresent())) throw this.lost();
    const now = new Date().toISOString();
    const record = { ...this.record, heartbeat: now };
    const file = encodeLock(this.key, record);
    // New file first, then the old one goes: the repository is never without our lock.
    await this.target.save('locks', file.name, file.bytes);
    // Had another process removed the old file while we were writing (we were frozen, say), it
    // may already hold an exclusive lock that it checked before our new file existed. Seeing
    // the old file still there after writing the new one rules that out, as in restic.
    if (!(await this.stillPresent())) {
      await this.target.remove('locks', file.name).catch(() => undefined);
      throw this.lost();
    }
    this.leftovers.add(this.current);
    this.current = file.name;
    this.record = record;
    this.lastHeartbeatMs = Date.parse(now);
    // The heartbeat is written; an old file that will not go yet is retried next time.
    for (const name of this.leftovers) {
      await this.target.remove('locks', name).then(
        () => this.leftovers.delete(name),
        () => undefined,
      );
    }
  }

  private async stillPresent(): Promise<boolean> {
    return (await listLocks(this.target)).some((file) => file.name === this.current);
  }

  private lost(): CairnError {
    const error = new CairnError(
      'repository-locked',
      `the ${this.operation} lock on ${this.target.displayName} was removed by another process ` +
        `(it looked stale); stopping so that the two cannot collide`,
    );
    this.lose(error);
    return error;
  }

  private async beat(): Promise<void> {
    // On a slow target one refresh may outlast the interval; ticks must not pile up behind it.
    if (this.beating) return;
    this.beating = true;
    try {
      await this.refresh();
    } catch (err) {
      if (this.released || this.signal.aborted) return;
      // A target that is briefly unreachable is retried at the next tick. Once the next tick
      // would come too late, other processes may remove the lock as stale: stop now.
      const silentFor = Date.now() - this.lastHeartbeatMs;
      if (silentFor + this.settings.heartbeatMs >= this.settings.staleAfterMs) {
        this.lose(
          new CairnError(
            'repository-locked',
            `cannot refresh the ${this.operation} lock on ${this.target.displayName} for ` +
              `${formatAge(silentFor)}; stopping before another process takes over`,
            { detail: errorMessage(err), cause: err },
          ),
        );
      }
    } finally {
      this.beating = false;
    }
  }

  private lose(reason: CairnError): void {
    clearInterval(this.timer);
    this.controller.abort(reason);
  }
}

function settingsOf(options: LockOptions): Settings {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const retryForMs = options.retryForMs ?? 0;
  if (!(heartbeatMs > 0) || !(staleAfterMs > heartbeatMs) || !(retryForMs >= 0)) {
    // A heartbeat slower than the stale threshold would let others remove a live lock.
    throw new CairnError(
      'invalid-argument',
      `lock timing must satisfy 0 < heartbeat (${heartbeatMs} ms) < stale threshold (${staleAfterMs} ms) and retry ≥ 0 (${retryForMs} ms)`,
    );
  }
  return {
    exclusive: options.exclusive,
    operation: options.operation,
    retryForMs,
    heartbeatMs,
    staleAfterMs,
    hostname: options.hostname ?? hostName(),
    onStaleLock: options.onStaleLock,
  };
}

/**
 * The first lock that conflicts with the one wanted, removing stale locks as it goes (all of
 * them, not only those before the first conflict, so a stale lock never outlives a look).
 *
 * A lock listed but gone when read was released, or replaced by its holder's heartbeat, which
 * writes the new file before removing the old one: the listing may predate the new file, so
 * a look that met a vanished lock is repeated.
 */
async function findConflict(
  target: Target,
  key: Uint8Array,
  settings: Settings,
  own?: string,
): Promise<Conflict | undefined> {
  for (let look = 1; ; look += 1) {
    const { conflict, vanished } = await lookForConflict(target, key, settings, own);
    if (conflict || !vanished || look >= 5) return conflict;
  }
}

async function lookForConflict(
  target: Target,
  key: Uint8Array,
  settings: Settings,
  own?: string,
): Promise<{ conflict: Conflict | undefined; vanished: boolean }> {
  let conflict: Conflict | undefined;
  let vanished = false;
  for (const file of await listLocks(target)) {
    // Size 0: an upload interrupted on a target without atomic writes; it never held anything.
    if (file.name === own || file.size === 0) continue;
    let bytes: Buffer;
    try {
      bytes = await target.load('locks', file.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      vanished = true;
      continue;
    }
    let record: LockRecord;
    try {
      record = decodeLock(key, file.name, bytes);
    } catch (err) {
      // It may be a live lock we cannot read; only a person can decide it is safe to remove.
      conflict ??= { name: file.name, unreadable: errorMessage(err) };
      continue;
    }
    const reason = staleReason(record, {
      hostname: settings.hostname,
      nowMs: Date.now(),
      staleAfterMs: settings.staleAfterMs,
      isProcessAlive,
    });
    if (reason !== undefined) {
      await target.remove('locks', file.name);
      settings.onStaleLock?.({ name: file.name, record, reason });
      continue;
    }
    if (settings.exclusive || record.exclusive) conflict ??= { name: file.name, record };
  }
  return { conflict, vanished };
}

/** Temporary lock files of killed processes (lock-leftovers.ts); a failure here blocks nothing. */
async function removeLeftovers(target: Target, key: Uint8Array, settings: Settings): Promise<void> {
  const check = {
    hostname: settings.hostname,
    nowMs: Date.now(),
    staleAfterMs: settings.staleAfterMs,
    isProcessAlive,
  };
  await removeStaleLeftovers(target, key, check).catch(() => undefined);
}

/**
 * Locks come and go while others list them. LocalTarget.list reads the folder and then stats
 * each entry, so a lock released in between fails the whole listing with ENOENT; another look
 * sees a consistent folder.
 */
async function listLocks(target: Target): Promise<FileInfo[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await target.list('locks');
    } catch (err) {
      if (!isNotFound(err) || attempt >= 5) throw err;
    }
  }
}

function describeConflict(conflict: Conflict): string {
  return 'unreadable' in conflict
    ? `unreadable lock file locks/${conflict.name}`
    : `held by ${describeHolder(conflict.record)}`;
}

function conflictError(target: Target, settings: Settings, conflict: Conflict): CairnError {
  if ('unreadable' in conflict) {
    return new CairnError(
      'corrupt',
      `cannot lock ${target.displayName} for ${settings.operation}: lock file locks/${conflict.name} ` +
        `cannot be read; if no other Cairn is using this repository, remove that file`,
      { detail: conflict.unreadable },
    );
  }
  const how = conflict.record.exclusive ? 'exclusively ' : '';
  return new CairnError(
    'repository-locked',
    `cannot lock ${target.displayName} for ${settings.operation}: it is locked ${how}by ` +
      describeHolder(conflict.record),
    { detail: `lock file locks/${conflict.name}` },
  );
}

function currentUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the lock is still valid without a name.
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

/** Randomised so that two processes that collided do not collide again in step. */
function backoff(attempt: number): number {
  const base = Math.min(2_000, 100 * 2 ** attempt);
  return base / 2 + (Math.random() * base) / 2;
}
