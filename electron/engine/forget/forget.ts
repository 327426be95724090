/**
 * `forget`: applies the retention policy per snapshot group and removes the snapshot files it
 * does not keep (their data stays until `prune`, which `--prune` runs right after). A forget
 * that fails part way says what it had already removed: those snapshots are gone for good.
 */
import { CairnError, errorMessage } from '../errors.js';
import { prune, PruneStopped } from '../prune/prune.js';
import type { Repository } from '../repository/repository.js';
import { applyRetention } from '../retention/apply-retention.js';
import { formatRetentionReport } from '../retention/retention-report.js';
import type { ForgetRequest, ForgetResult, JobControl } from '../operation-types.js';
import { listSnapshots } from '../snapshots/snapshot-store.js';

export async function forgetSnapshots(
  repo: Repository,
  request: ForgetRequest,
  control: JobControl = {},
): Promise<Omit<ForgetResult, 'prune'>> {
  const all = await listSnapshots(repo);
  const snapshots =
    request.group === undefined ? all : all.filter((s) => s.group === request.group);
  const outcome = applyRetention(snapshots, request.rules, {
    ...(request.timeZone ? { timeZone: request.timeZone } : {}),
    // Only a failed API endpoint makes a snapshot incomplete in F12's sense (its records are
    // carried over from before); unreadable files leave a folder snapshot a restore point.
    isIncomplete: (s) => s.incomplete && s.sources.some((source) => source.kind === 'api'),
  });
  if (!outcome.ok) throw outcome.error;
  const report = formatRetentionReport(outcome, { dryRun: request.dryRun ?? false });
  const removed: string[] = [];
  if (!request.dryRun) {
    const keepIds = new Set(outcome.groups.flatMap((g) => g.keep.map((k) => k.snapshot.id)));
    for (const group of outcome.groups) {
      for (const snap of group.remove) {
        // Belt and braces: never remove what any group keeps.
        if (keepIds.has(snap.id))
          throw new CairnError(
            'failure',
            `retention marked ${snap.short_id} both kept and removed`,
          );
        try {
          await control.confirmLock?.();
          await repo.target.remove('snapshots', snap.id);
        } catch (err) {
          if (removed.length === 0) throw err;
          const total = outcome.groups.reduce((n, g) => n + g.remove.length, 0);
          throw stoppedAfter(
            err,
            `forgot ${removed.length} of ${total} snapshot(s) (${shortIds(removed)}) before it stopped`,
          );
        }
        removed.push(snap.id);
      }
    }
  }
  return { report, groups: outcome.groups, removed };
}

/** forget, then prune when asked, under the caller's exclusive lock. */
export async function forgetAndPrune(
  repo: Repository,
  request: ForgetRequest,
  control: JobControl = {},
): Promise<ForgetResult> {
  const result = await forgetSnapshots(repo, request, control);
  if (!request.prune || request.dryRun) return { ...result, prune: null };
  try {
    return { ...result, prune: await prune(repo, {}, control) };
  } catch (err) {
    if (result.removed.length === 0) throw err;
    const forgot = `forgot ${result.removed.length} snapshot(s) (${shortIds(result.removed)})`;
    if (err instanceof PruneStopped) {
      throw stoppedAfter(
        err.cause,
        `${forgot}, then prune deleted ${err.packsDeleted} unused pack(s) before it stopped`,
      );
    }
    throw stoppedAfter(err, `${forgot}, but prune did not finish`);
  }
}

/** "1a2b3c4d, 5e6f7a8b, …" */
function shortIds(ids: readonly string[]): string {
  const shown = ids.slice(0, 10).map((id) => id.slice(0, 8));
  if (ids.length > 10) shown.push('…');
  return shown.join(', ');
}

/** The error, after what was done before it: "forgot 2 snapshot(s) (…) before it stopped: …" */
function stoppedAfter(err: unknown, done: string): CairnError {
  return new CairnError(
    err instanceof CairnError ? err.kind : 'failure',
    `${done}: ${errorMessage(err)}`,
    { cause: err },
  );
}
