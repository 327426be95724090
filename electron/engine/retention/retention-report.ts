/**
 * Text for `cairn forget` (and its --dry-run): per group, what stays and why, and what goes.
 * Times are shown on the user's wall clock with the UTC offset, so the two 02:30s of a night
 * when clocks go back are told apart.
 */
import type { GroupRetention, RetentionSnapshot } from './apply-retention.js';
import { formatOffset, pad, wallTimeAt } from './local-time.js';
import { describePolicy, type RetentionPolicy } from './policy.js';
import { parseSnapshotTime } from './snapshot-time.js';

export function formatReasons(reasons: readonly string[]): string {
  return reasons.join(', ');
}

export function formatLocalTime(time: string, timeZone: string): string {
  const instant = parseSnapshotTime(time);
  if (!instant) return time;
  const t = wallTimeAt(instant.ms, timeZone);
  return (
    `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)} ` +
    `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${formatOffset(instant.ms, timeZone)}`
  );
}

export interface RetentionReportInput<S extends RetentionSnapshot> {
  policy: RetentionPolicy;
  timeZone: string;
  groups: readonly GroupRetention<S>[];
}

/** `dryRun` only changes the verbs: "would remove" instead of "remove". */
export function formatRetentionReport<S extends RetentionSnapshot>(
  outcome: RetentionReportInput<S>,
  options: { dryRun?: boolean } = {},
): string {
  const removeVerb = options.dryRun ? 'would remove' : 'remove';
  const lines = [`Applying policy: ${describePolicy(outcome.policy)}`];
  for (const group of outcome.groups) {
    lines.push('', `group ${JSON.stringify(group.group)}:`);
    lines.push(`keep ${count(group.keep.length)}:`);
    for (const { snapshot, reasons } of group.keep) {
      lines.push(`  ${row(snapshot, outcome.timeZone)}  ${formatReasons(reasons)}`);
    }
    lines.push(`${removeVerb} ${count(group.remove.length)}:`);
    for (const snapshot of group.remove) lines.push(`  ${row(snapshot, outcome.timeZone)}`);
  }
  return lines.join('\n');
}

function row(snapshot: RetentionSnapshot, timeZone: string): string {
  const flag = snapshot.incomplete ? ' (incomplete)' : '';
  return `${snapshot.id.slice(0, 8)}  ${formatLocalTime(snapshot.time, timeZone)}${flag}`;
}

function count(n: number): string {
  return n === 1 ? '1 snapshot' : `${n} snapshots`;
}
