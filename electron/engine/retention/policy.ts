/**
 * The forget policy (README.md, `forget`): what the user asked for, checked and normalised once so that
 * applying it cannot meet a bad value halfway through.
 */
import { CairnError } from '../errors.js';
import {
  formatDuration,
  isZeroDuration,
  parseDuration,
  type RetentionDuration,
} from './duration.js';

/** As given by the CLI, the plan editor or the IPC contract. 0 or absent: rule not used. */
export interface RetentionRules {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  /** DURATION like `1y6m3d12h`, or one already parsed. */
  keepWithin?: string | RetentionDuration;
  /** Each entry keeps snapshots carrying that tag; `a,b` means both a and b (as restic). */
  keepTag?: readonly string[];
}

export type CountRule = 'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export const COUNT_RULES: readonly CountRule[] = [
  'last',
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'yearly',
];

/** How many buckets each rule keeps; -1 keeps every bucket, 0 means the rule is off. */
export interface RetentionPolicy {
  counts: Record<CountRule, number>;
  within: RetentionDuration | null;
  /** Each inner list is one keep-tag: a snapshot matches when it has all of its tags. */
  tagSets: string[][];
}

const OPTION_NAMES: Record<CountRule, keyof RetentionRules> = {
  last: 'keepLast',
  hourly: 'keepHourly',
  daily: 'keepDaily',
  weekly: 'keepWeekly',
  monthly: 'keepMonthly',
  yearly: 'keepYearly',
};

/** Throws CairnError('invalid-argument') naming the offending rule. */
export function normalizeRules(rules: RetentionRules): RetentionPolicy {
  const counts = {} as Record<CountRule, number>;
  for (const rule of COUNT_RULES) {
    const value = rules[OPTION_NAMES[rule]] ?? 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -1) {
      throw new CairnError(
        'invalid-argument',
        `${OPTION_NAMES[rule]} must be a whole number, or -1 for all (got ${JSON.stringify(value)})`,
      );
    }
    counts[rule] = value;
  }
  const within =
    rules.keepWithin === undefined
      ? null
      : typeof rules.keepWithin === 'string'
        ? parseDuration(rules.keepWithin)
        : checkedDuration(rules.keepWithin);
  const tagSets = (rules.keepTag ?? []).map((entry) => {
    const tags = entry
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    // An empty tag list would match every snapshot and quietly turn the policy into "keep all".
    if (tags.length === 0) {
      throw new CairnError('invalid-argument', `keepTag ${JSON.stringify(entry)} names no tag`);
    }
    return tags;
  });
  return { counts, within: within && !isZeroDuration(within) ? within : null, tagSets };
}

function checkedDuration(d: RetentionDuration): RetentionDuration {
  for (const part of [d.years, d.months, d.days, d.hours]) {
    if (!Number.isInteger(part) || part < 0) {
      throw new CairnError('invalid-argument', `keepWithin parts must be whole numbers ≥ 0`);
    }
  }
  return d;
}

export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  return (
    COUNT_RULES.every((rule) => policy.counts[rule] === 0) &&
    policy.within === null &&
    policy.tagSets.length === 0
  );
}

const COUNT_WORDS: Record<CountRule, string> = {
  last: 'latest',
  hourly: 'hourly',
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
  yearly: 'yearly',
};

/** One line for `forget` output: "keep 7 daily, 4 weekly snapshots and all … within 1y of the newest". */
export function describePolicy(policy: RetentionPolicy): string {
  const parts: string[] = [];
  const counted = COUNT_RULES.filter((rule) => policy.counts[rule] !== 0).map((rule) =>
    policy.counts[rule] === -1
      ? `all ${COUNT_WORDS[rule]}`
      : `${policy.counts[rule]} ${COUNT_WORDS[rule]}`,
  );
  if (counted.length > 0) parts.push(`${counted.join(', ')} snapshots`);
  if (policy.tagSets.length > 0) {
    parts.push(`all snapshots tagged ${policy.tagSets.map((set) => set.join('+')).join(' or ')}`);
  }
  if (policy.within) {
    parts.push(`all snapshots within ${formatDuration(policy.within)} of the newest`);
  }
  return parts.length === 0 ? 'no policy' : `keep ${parts.join(' and ')}`;
}
