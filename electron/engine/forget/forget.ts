/**
 * `forget`: applies the retention policy per snapshot group and removes the snapshot files it
 * does not keep (their data stays until `prune`).
 */
import { CairnError } from '../errors.js';
import type { Repository } from '../repository/repository.js';
import { applyRetention } from '../retention/apply-retention.js';
import { formatRetentionReport } from '../retention/retention-report.js';
import type { ForgetRequest, ForgetResult, JobControl } from '../service-types.js';
import { listSnapshots } from '../snapshots/snapshot-store.js';

export async function forgetSnapshots(
  repo: Repository,
  request: ForgetRequest,
  control: JobControl = {},
): Promise<Omit<ForgetResult, 'prune'>> {
  const snapshots = await listSnapshots(repo);
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
        await control.confirmLock?.();
        await repo.target.remove('snapshots', snap.id);
        removed.push(snap.id);
      }
    }
  }
  return { report, groups: outcome.groups, removed };
}
