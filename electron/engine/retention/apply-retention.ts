/**
 * Decides which snapshots `forget` keeps, with restic's semantics (README.md, `forget`), per snapshot group:
 *
 * - Snapshots are taken newest first. keep-last N keeps the N newest; keep-hourly/daily/
 *   weekly/monthly/yearly N keep the newest snapshot of each of the N most recent hours/days/…
 *   that have one (buckets on the user's wall clock, see buckets.ts); -1 keeps every bucket.
 *   While a rule still has count left when the oldest snapshot is reached, that snapshot is
 *   kept too ("oldest daily snapshot"), which stretches the history kept, as restic does.
 * - keep-within D keeps everything newer than D before the anchor (calendar arithmetic in the
 *   user's zone); keep-tag keeps snapshots with the given tags. Neither consumes any count.
 * - A snapshot is kept if any rule keeps it; every rule that does is listed as a reason.
 *
 * Incomplete snapshots (an API endpoint failed; docs/repository-format.md, "API data in a snapshot": the snapshot carries that endpoint's
 * previous records over) must never cost a complete one its place. `isIncomplete` says which
 * those are; a folder snapshot that skipped a few unreadable files is still a restore point of
 * everything else, and retention treats it as any other, as restic does:
 * - they neither fill a bucket nor use up a count, so a complete snapshot is kept exactly as if
 *   the incomplete ones did not exist;
 * - each one newer than the group's newest complete snapshot is kept ("newest, incomplete"): it
 *   holds the freshest data there is, and the next complete snapshot supersedes it. A long run
 *   of failures therefore keeps every run since the last success, which the activity alert
 *   (F42) brings to the user's attention; older incomplete ones are removed like any other;
 * - keep-within and keep-tag still keep them (they displace nothing), and keep-within measures
 *   from the newest complete snapshot, so a run of failures cannot slide the window past it.
 *
 * An empty policy is refused rather than treated as "remove everything".
 *
 * Where Cairn differs from restic on purpose: the hour that clocks repeat is two hourly
 * buckets (buckets.ts); a wall time that happens twice resolves to the earlier instant
 * (local-time.ts); an empty keep-tag and a DURATION unit given twice are errors, not silently
 * "keep all" or "last one wins"; incomplete snapshots as above.
 */
import { CairnError, errorMessage } from '../errors.js';
import { bucketsAt, type Buckets, type CalendarBucket } from './buckets.js';
import { durationBefore, formatDuration } from './duration.js';
import { resolveTimeZone } from './local-time.js';
import {
  COUNT_RULES,
  isEmptyPolicy,
  normalizeRules,
  type CountRule,
  type RetentionPolicy,
  type RetentionRules,
} from './policy.js';
import { compareInstants, parseSnapshotTime, type SnapshotInstant } from './snapshot-time.js';

/** The fields retention reads; callers pass their full snapshot objects and get them back. */
export interface RetentionSnapshot {
  id: string;
  /** RFC 3339. */
  time: string;
  group: string;
  tags: readonly string[];
  incomplete: boolean;
}

export interface RetentionOptions<S extends RetentionSnapshot = RetentionSnapshot> {
  /** IANA zone whose wall clock defines hours, days, weeks…; default: the process's. */
  timeZone?: string;
  /**
   * Snapshots dated after this (a skewed clock) do not anchor keep-within, as in restic.
   * Default: the current time.
   */
  now?: Date;
  /** Which snapshots count as incomplete for retention; default: their `incomplete` flag. */
  isIncomplete?: (snapshot: S) => boolean;
}

export interface KeptSnapshot<S> {
  snapshot: S;
  /** Every rule that keeps it, e.g. ["last snapshot", "daily snapshot", "within 1y6m"]. */
  reasons: string[];
}

export interface GroupRetention<S> {
  group: string;
  /** Newest first. */
  keep: KeptSnapshot<S>[];
  /** Newest first. */
  remove: S[];
}

/**
 * Errors are returned, not thrown, so that no caller can reach a list of snapshots to remove
 * without first looking at whether the policy made sense.
 */
export type RetentionOutcome<S> =
  | { ok: true; policy: RetentionPolicy; timeZone: string; groups: GroupRetention<S>[] }
  | { ok: false; error: CairnError };

const BUCKET_OF_RULE: Record<Exclude<CountRule, 'last'>, CalendarBucket> = {
  hourly: 'hourly',
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
  yearly: 'yearly',
};

export const NEWEST_INCOMPLETE = 'newest, incomplete';

export function applyRetention<S extends RetentionSnapshot>(
  snapshots: readonly S[],
  rules: RetentionRules,
  options: RetentionOptions<S> = {},
): RetentionOutcome<S> {
  let policy: RetentionPolicy;
  let timeZone: string;
  try {
    policy = normalizeRules(rules);
    timeZone = resolveTimeZone(options.timeZone);
  } catch (err) {
    return { ok: false, error: asCairnError(err) };
  }
  if (isEmptyPolicy(policy)) {
    return {
      ok: false,
      error: new CairnError(
        'invalid-argument',
        'no retention policy given (keep-last, keep-daily, keep-within, …); refusing to remove every snapshot',
      ),
    };
  }

  const isIncomplete = options.isIncomplete ?? ((s: S) => s.incomplete);
  const groups = new Map<string, Dated<S>[]>();
  for (const snapshot of snapshots) {
    const instant = parseSnapshotTime(snapshot.time);
    if (!instant) {
      return {
        ok: false,
        error: new CairnError(
          'invalid-argument',
          `snapshot ${snapshot.id} has an invalid time ${JSON.stringify(snapshot.time)}`,
        ),
      };
    }
    const list = groups.get(snapshot.group) ?? [];
    list.push({ snapshot, instant, incomplete: isIncomplete(snapshot) });
    groups.set(snapshot.group, list);
  }

  const nowMs = (options.now ?? new Date()).getTime();
  const result = [...groups.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((group) => applyToGroup(group, groups.get(group) ?? [], policy, timeZone, nowMs));
  return { ok: true, policy, timeZone, groups: result };
}

interface Dated<S> {
  snapshot: S;
  instant: SnapshotInstant;
  incomplete: boolean;
}

function applyToGroup<S extends RetentionSnapshot>(
  group: string,
  dated: Dated<S>[],
  policy: RetentionPolicy,
  timeZone: string,
  nowMs: number,
): GroupRetention<S> {
  // Newest first; equal times ordered by id so the outcome never depends on input order.
  const sorted = [...dated].sort(
    (a, b) =>
      compareInstants(b.instant, a.instant) ||
      (a.snapshot.id < b.snapshot.id ? -1 : a.snapshot.id > b.snapshot.id ? 1 : 0),
  );
  const complete = sorted.filter((d) => !d.incomplete);
  const newestComplete = complete[0];
  const oldestComplete = complete[complete.length - 1];

  const withinStart = policy.within ? windowStart(sorted, complete, policy, timeZone, nowMs) : null;
  const withinReason = policy.within ? `within ${formatDuration(policy.within)}` : '';

  const remaining = { ...policy.counts };
  const lastBucket = new Map<CountRule, string>();

  const keep: KeptSnapshot<S>[] = [];
  const remove: S[] = [];
  for (const entry of sorted) {
    const { snapshot, instant, incomplete } = entry;
    const reasons: string[] = [];

    if (incomplete && (!newestComplete || compareInstants(instant, newestComplete.instant) > 0)) {
      reasons.push(NEWEST_INCOMPLETE);
    }

    for (const tags of policy.tagSets) {
      if (tags.every((tag) => snapshot.tags.includes(tag))) {
        reasons.push(tags.length === 1 ? `has tag ${tags[0]}` : `has tags ${tags.join(', ')}`);
      }
    }

    if (withinStart && compareInstants(instant, withinStart) > 0) reasons.push(withinReason);

    if (!incomplete) {
      let buckets: Buckets | undefined;
      for (const rule of COUNT_RULES) {
        if (remaining[rule] === 0) continue;
        const bucket =
          rule === 'last'
            ? snapshot.id
            : (buckets ??= bucketsAt(instant.ms, timeZone))[BUCKET_OF_RULE[rule]];
        let reason: string | undefined;
        if (bucket !== lastBucket.get(rule)) reason = `${rule} snapshot`;
        else if (entry === oldestComplete) reason = `oldest ${rule} snapshot`;
        if (reason === undefined) continue;
        lastBucket.set(rule, bucket);
        if (remaining[rule] > 0) remaining[rule] -= 1;
        reasons.push(reason);
      }
    }

    if (reasons.length > 0) keep.push({ snapshot, reasons });
    else remove.push(snapshot);
  }
  return { group, keep, remove };
}

/**
 * keep-within counts back from the newest complete snapshot that is not in the future (restic
 * ignores future-dated ones too); failing that, the newest snapshot not in the future. When
 * every snapshot is in the future there is no anchor and the whole group is within.
 */
function windowStart<S extends RetentionSnapshot>(
  sorted: Dated<S>[],
  complete: Dated<S>[],
  policy: RetentionPolicy,
  timeZone: string,
  nowMs: number,
): SnapshotInstant {
  const notFuture = (d: Dated<S>): boolean => d.instant.ms <= nowMs;
  const anchor = complete.find(notFuture) ?? sorted.find(notFuture);
  if (!anchor || !policy.within) return { ms: -Infinity, nanos: 0 };
  return {
    ms: durationBefore(anchor.instant.ms, policy.within, timeZone),
    nanos: anchor.instant.nanos,
  };
}

function asCairnError(err: unknown): CairnError {
  return err instanceof CairnError ? err : new CairnError('invalid-argument', errorMessage(err));
}
