/**
 * When a lock no longer protects anything (docs/repository-format.md, "Locks"), so that it can be ignored and removed
 * without the user doing anything:
 *
 * - its holder ran on this host and that process is gone (killed, crashed, power loss);
 * - or its heartbeat is older than the threshold. This covers holders on other hosts, and also
 *   this host when the pid has since been reused by an unrelated process.
 */
import type { LockRecord } from './lock-file.js';

export interface StalenessCheck {
  hostname: string;
  nowMs: number;
  staleAfterMs: number;
  isProcessAlive: (pid: number) => boolean;
}

/** Why the lock is stale, in words for logs, or undefined while it is live. */
export function staleReason(record: LockRecord, check: StalenessCheck): string | undefined {
  if (record.hostname === check.hostname && !check.isProcessAlive(record.pid)) {
    return `process ${record.pid} on ${record.hostname} is gone`;
  }
  const heartbeat = Date.parse(record.heartbeat);
  // An unreadable heartbeat cannot prove liveness; treat it as infinitely old.
  const age = Number.isNaN(heartbeat) ? Infinity : check.nowMs - heartbeat;
  if (age > check.staleAfterMs) {
    return `no heartbeat for ${formatAge(age)}`;
  }
  return undefined;
}

/** Signal 0 checks that a process exists without touching it. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else — alive all the same.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return 'ever';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}
