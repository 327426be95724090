/**
 * A lock is written as a temporary file and renamed into place (on a local folder), so a
 * process killed in between leaves `locks/<name>.<random>.tmp` behind. Such a leftover is
 * removed by the next process that takes a lock, under the rules that make a lock stale
 * (lock-staleness.ts): its holder's process is gone, or its heartbeat is old. A file too short
 * to read as a lock (killed while writing it) counts its last write as its heartbeat. A live
 * process between writing and renaming is left alone: its file is either complete and live,
 * or being written and young.
 */
import type { Target } from '../targets/target.js';
import { decodeLock } from './lock-file.js';
import { staleReason, type StalenessCheck } from './lock-staleness.js';

/** Returns the names of the leftovers it removed. */
export async function removeStaleLeftovers(
  target: Target,
  key: Uint8Array,
  check: StalenessCheck,
): Promise<string[]> {
  const removed: string[] = [];
  for (const leftover of (await target.leftovers?.('locks')) ?? []) {
    let stale: boolean;
    try {
      const record = decodeLock(key, leftover.name, await leftover.read());
      stale = staleReason(record, check) !== undefined;
    } catch {
      stale = check.nowMs - leftover.modifiedMs > check.staleAfterMs;
    }
    if (!stale) continue;
    await leftover.remove();
    removed.push(leftover.name);
  }
  return removed;
}
