import { describe, expect, it } from 'vitest';
import {
  applyRetention,
  type RetentionOptions,
} from '../../../electron/engine/retention/apply-retention.js';
import type { RetentionRules } from '../../../electron/engine/retention/policy.js';
import { DAY, HOUR, series, snap, summary, type TestSnapshot } from './helpers.js';

const BERLIN: RetentionOptions = {
  timeZone: 'Europe/Berlin',
  now: new Date('2030-01-01T00:00:00Z'),
};
const UTC: RetentionOptions = { timeZone: 'UTC', now: BERLIN.now };

function run(snapshots: TestSnapshot[], rules: RetentionRules, options = BERLIN) {
  const outcome = applyRetention(snapshots, rules, options);
  if (!outcome.ok) throw outcome.error;
  return outcome;
}

function only(snapshots: TestSnapshot[], rules: RetentionRules, options = BERLIN) {
  const outcome = run(snapshots, rules, options);
  expect(outcome.groups).toHaveLength(1);
  return summary(outcome.groups[0]);
}

describe('refusing what cannot be applied safely', () => {
  const list = series('2024-01-01T00:00:00Z', 3, DAY);

  it.each<[string, RetentionRules]>([
    ['no options at all', {}],
    ['only zero counts', { keepLast: 0, keepDaily: 0 }],
    ['a zero duration', { keepWithin: '0d' }],
    ['an empty tag list', { keepTag: [] }],
  ])('refuses %s instead of removing every snapshot', (_, rules) => {
    const outcome = applyRetention(list, rules, BERLIN);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe('invalid-argument');
    expect(outcome.error.message).toMatch(/no retention policy.*refusing to remove every snapshot/);
  });

  it.each<[RetentionRules, RegExp]>([
    [{ keepLast: -2 }, /keepLast must be a whole number, or -1 for all \(got -2\)/],
    [{ keepDaily: 1.5 }, /keepDaily must be a whole number/],
    [{ keepWithin: '3w' }, /invalid duration "3w": unknown unit "w"/],
    [{ keepTag: [' , '] }, /keepTag " , " names no tag/],
  ])('returns an error for %j', (rules, message) => {
    const outcome = applyRetention(list, rules, BERLIN);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(message);
  });

  it('returns an error for an unknown zone or an unreadable snapshot time', () => {
    const zone = applyRetention(list, { keepLast: 1 }, { timeZone: 'Nowhere/Null' });
    expect(zone.ok || zone.error.message).toMatch(/unknown time zone "Nowhere\/Null"/);
    const bad = applyRetention([snap('abc', 'yesterday')], { keepLast: 1 }, BERLIN);
    expect(bad.ok || bad.error.message).toMatch(/snapshot abc has an invalid time "yesterday"/);
    const april31 = applyRetention([snap('abc', '2024-04-31T00:00:00Z')], { keepLast: 1 }, BERLIN);
    expect(april31.ok).toBe(false);
  });

  it('accepts an empty snapshot list', () => {
    expect(run([], { keepLast: 1 }).groups).toEqual([]);
  });
});

describe('keep-last', () => {
  it('keeps the N newest and removes the rest, newest first', () => {
    const result = only(series('2024-01-01T00:00:00Z', 5, HOUR), { keepLast: 3 });
    expect(result.keep).toEqual({
      s04: ['last snapshot'],
      s03: ['last snapshot'],
      s02: ['last snapshot'],
    });
    expect(result.remove).toEqual(['s01', 's00']);
  });

  it('keeps everything with -1', () => {
    const result = only(series('2024-01-01T00:00:00Z', 4, HOUR), { keepLast: -1 });
    expect(result.remove).toEqual([]);
  });

  it('orders by time whatever the input order, and equal times by id', () => {
    const list = [
      snap('b', '2024-01-01T00:00:00Z'),
      snap('c', '2024-01-02T00:00:00.000000002Z'),
      snap('a', '2024-01-01T00:00:00Z'),
      snap('d', '2024-01-02T00:00:00.000000001Z'),
    ];
    const forward = run(list, { keepLast: 2 }).groups[0];
    const backward = run([...list].reverse(), { keepLast: 2 }).groups[0];
    expect(forward?.keep.map((k) => k.snapshot.id)).toEqual(['c', 'd']);
    expect(forward?.remove.map((s) => s.id)).toEqual(['a', 'b']);
    expect(backward).toEqual(forward);
  });

  it('reads RFC 3339 offsets', () => {
    const list = [snap('early', '2024-01-01T10:00:00+02:00'), snap('late', '2024-01-01T09:00:00Z')];
    expect(only(list, { keepLast: 1 }).keep).toEqual({ late: ['last snapshot'] });
  });
});

describe('calendar buckets', () => {
  it('keeps the newest snapshot of each of the last N days, and the oldest while count is left', () => {
    const list = [
      snap('d1-morning', '2024-05-01T06:00:00Z'),
      snap('d1-noon', '2024-05-01T10:00:00Z'),
      snap('d1-evening', '2024-05-01T16:00:00Z'),
      snap('d2-morning', '2024-05-02T06:00:00Z'),
      snap('d2-evening', '2024-05-02T16:00:00Z'),
    ];
    expect(only(list, { keepDaily: 2 })).toEqual({
      keep: { 'd2-evening': ['daily snapshot'], 'd1-evening': ['daily snapshot'] },
      remove: ['d2-morning', 'd1-noon', 'd1-morning'],
    });
    // Three days asked for, two exist: the oldest snapshot is kept as well.
    expect(only(list, { keepDaily: 3 }).keep).toEqual({
      'd2-evening': ['daily snapshot'],
      'd1-evening': ['daily snapshot'],
      'd1-morning': ['oldest daily snapshot'],
    });
  });

  it('keeps one per bucket in every bucket with -1, plus the oldest', () => {
    const list = series('2024-05-01T00:30:00Z', 12, 6 * HOUR); // three days, 4 a day (UTC)
    const result = only(list, { keepDaily: -1 }, UTC);
    expect(Object.keys(result.keep)).toEqual(['s11', 's07', 's03', 's00']);
    expect(result.keep.s00).toEqual(['oldest daily snapshot']);
  });

  it('counts days on the local wall clock', () => {
    const list = [
      snap('c', '2024-03-09T12:00:00Z'),
      snap('a', '2024-03-10T22:30:00Z'), // 23:30 on 10 March in Berlin
      snap('b', '2024-03-10T23:30:00Z'), // 00:30 on 11 March in Berlin
    ];
    expect(Object.keys(only(list, { keepDaily: 2 }, BERLIN).keep)).toEqual(['b', 'a']);
    expect(Object.keys(only(list, { keepDaily: 2 }, UTC).keep)).toEqual(['b', 'c']);
  });

  it('counts ISO weeks, which can straddle the new year', () => {
    const list = [
      snap('sun', '2024-12-29T12:00:00Z'), // 2024-W52
      snap('mon', '2024-12-30T12:00:00Z'), // 2025-W01
      snap('thu', '2025-01-02T12:00:00Z'), // 2025-W01
    ];
    expect(only(list, { keepWeekly: 2 }, UTC)).toEqual({
      keep: { thu: ['weekly snapshot'], sun: ['weekly snapshot'] },
      remove: ['mon'],
    });
  });

  it('counts months and years', () => {
    const list = [
      snap('2023-06', '2023-06-15T12:00:00Z'),
      snap('2023-12a', '2023-12-01T12:00:00Z'),
      snap('2023-12b', '2023-12-31T12:00:00Z'),
      snap('2024-01', '2024-01-10T12:00:00Z'),
    ];
    expect(Object.keys(only(list, { keepMonthly: 2 }, UTC).keep)).toEqual(['2024-01', '2023-12b']);
    expect(Object.keys(only(list, { keepYearly: 1 }, UTC).keep)).toEqual(['2024-01']);
  });

  it('lists every rule that keeps a snapshot, in a fixed order', () => {
    const list = [
      snap('old', '2023-01-01T12:00:00Z'),
      snap('new', '2024-01-01T12:00:00Z', { tags: ['release'] }),
    ];
    const result = only(
      list,
      {
        keepLast: 1,
        keepHourly: 1,
        keepDaily: 1,
        keepWeekly: 1,
        keepMonthly: 1,
        keepYearly: 2,
        keepWithin: '1y6m',
        keepTag: ['release'],
      },
      UTC,
    );
    expect(result.keep.new).toEqual([
      'has tag release',
      'within 1y6m',
      'last snapshot',
      'hourly snapshot',
      'daily snapshot',
      'weekly snapshot',
      'monthly snapshot',
      'yearly snapshot',
    ]);
    expect(result.keep.old).toEqual(['within 1y6m', 'yearly snapshot']);
  });
});

describe('daylight-saving time', () => {
  it('treats a 25-hour day as one day, and its repeated hour as two hours', () => {
    // Hourly snapshots through Berlin's 27 October 2024, 00:00 CEST to 23:00 CET.
    const list = series('2024-10-26T22:00:00Z', 25, HOUR);
    expect(Object.keys(only(list, { keepDaily: 1 }).keep)).toEqual(['s24']);
    expect(only(list, { keepHourly: 25 }).remove).toEqual([]);
    expect(only(list, { keepHourly: 24 }).remove).toEqual(['s00']);
  });

  it('treats a 23-hour day as one day', () => {
    // Berlin's 31 March 2024 has 23 hours; the 24th snapshot is 1 April.
    const list = series('2024-03-30T23:00:00Z', 24, HOUR);
    const result = only(list, { keepDaily: 2 });
    expect(result.keep).toEqual({ s23: ['daily snapshot'], s22: ['daily snapshot'] });
    expect(result.remove).toHaveLength(22);
  });

  it('keeps both snapshots taken in the hour that occurs twice (New York)', () => {
    const list = [
      snap('edt', '2024-11-03T05:30:00Z'), // 01:30 EDT
      snap('est', '2024-11-03T06:30:00Z'), // 01:30 EST
      snap('before', '2024-11-03T04:30:00Z'), // 00:30 EDT
    ];
    const options = { timeZone: 'America/New_York', now: BERLIN.now };
    expect(Object.keys(only(list, { keepHourly: 2 }, options).keep)).toEqual(['est', 'edt']);
    expect(Object.keys(only(list, { keepDaily: 1 }, options).keep)).toEqual(['est']);
  });

  it('measures keep-within in calendar days across spring-forward (23 hours)', () => {
    const list = [
      snap('anchor', '2024-03-31T10:00:00Z'), // 12:00 CEST
      snap('in', '2024-03-30T11:30:00Z'), // 12:30 CET, 22.5 h earlier
      snap('out', '2024-03-30T10:30:00Z'), // 11:30 CET, 23.5 h earlier
    ];
    expect(only(list, { keepWithin: '1d' }).remove).toEqual(['out']);
    expect(only(list, { keepWithin: '24h' }).remove).toEqual([]);
  });

  it('measures keep-within in calendar days across fall-back (25 hours)', () => {
    const list = [
      snap('anchor', '2024-10-27T11:00:00Z'), // 12:00 CET
      snap('in', '2024-10-26T10:30:00Z'), // 12:30 CEST, 24.5 h earlier
      snap('out', '2024-10-26T09:30:00Z'), // 11:30 CEST
    ];
    expect(only(list, { keepWithin: '1d' }).remove).toEqual(['out']);
    // 24 elapsed hours end at 13:00 CEST on 26 October: both are outside.
    expect(only(list, { keepWithin: '24h' }).remove).toEqual(['in', 'out']);
  });
});

describe('leap days', () => {
  it('keeps 29 February as a day of its own', () => {
    const list = [
      snap('feb28', '2024-02-28T12:00:00Z'),
      snap('feb29', '2024-02-29T12:00:00Z'),
      snap('mar01', '2024-03-01T12:00:00Z'),
    ];
    expect(only(list, { keepDaily: 3 }, UTC).remove).toEqual([]);
    expect(only(list, { keepDaily: 2 }, UTC).remove).toEqual(['feb28']);
  });

  it('counts one year back from 29 February to 1 March, strictly after the boundary', () => {
    const list = [
      snap('anchor', '2024-02-29T12:00:00Z'),
      snap('after', '2023-03-01T12:00:01Z'),
      snap('boundary', '2023-03-01T12:00:00Z'),
      snap('feb28', '2023-02-28T13:00:00Z'),
    ];
    expect(only(list, { keepWithin: '1y' }, UTC)).toEqual({
      keep: { anchor: ['within 1y'], after: ['within 1y'] },
      remove: ['boundary', 'feb28'],
    });
  });

  it('puts 29 February 2024 and 28 February 2025 in different years', () => {
    const list = [snap('a', '2024-02-29T12:00:00Z'), snap('b', '2025-02-28T12:00:00Z')];
    expect(only(list, { keepYearly: 2 }, UTC).remove).toEqual([]);
  });
});

describe('keep-within and keep-tag', () => {
  it('measures keep-within from the group’s newest snapshot, not from now', () => {
    const list = series('2020-01-01T00:00:00Z', 10, DAY);
    const result = only(list, { keepWithin: '3d' }, UTC);
    expect(Object.keys(result.keep)).toEqual(['s09', 's08', 's07']);
  });

  it('ignores a snapshot from the future as the anchor, as restic does', () => {
    const list = [
      snap('future', '2031-01-01T00:00:00Z'),
      snap('recent', '2029-12-31T00:00:00Z'),
      snap('older', '2029-12-20T00:00:00Z'),
    ];
    const result = only(list, { keepWithin: '2d' }, UTC);
    expect(result.keep).toEqual({ future: ['within 2d'], recent: ['within 2d'] });
    expect(result.remove).toEqual(['older']);
  });

  it('keeps snapshots with a tag, or with every tag of a comma list', () => {
    const list = [
      snap('a', '2024-01-01T00:00:00Z', { tags: ['monthly'] }),
      snap('b', '2024-01-02T00:00:00Z', { tags: ['db', 'prod'] }),
      snap('c', '2024-01-03T00:00:00Z', { tags: ['db'] }),
      snap('d', '2024-01-04T00:00:00Z'),
    ];
    const result = only(list, { keepTag: ['monthly', 'db,prod'] }, UTC);
    expect(result.keep).toEqual({ b: ['has tags db, prod'], a: ['has tag monthly'] });
    expect(result.remove).toEqual(['d', 'c']);
  });

  it('does not let tagged or within snapshots use up counts', () => {
    const list = [
      snap('a', '2024-01-01T00:00:00Z', { tags: ['keep'] }),
      snap('b', '2024-01-02T00:00:00Z'),
      snap('c', '2024-01-03T00:00:00Z', { tags: ['keep'] }),
    ];
    expect(only(list, { keepLast: 2, keepTag: ['keep'] }, UTC).keep).toEqual({
      c: ['has tag keep', 'last snapshot'],
      b: ['last snapshot'],
      a: ['has tag keep'],
    });
  });
});

describe('groups', () => {
  it('applies the policy to each group on its own, groups sorted by name', () => {
    const list = [
      snap('a1', '2024-01-01T00:00:00Z', { group: 'laptop/docs' }),
      snap('a2', '2024-01-02T00:00:00Z', { group: 'laptop/docs' }),
      snap('b1', '2023-01-01T00:00:00Z', { group: 'laptop/api' }),
      snap('b2', '2023-01-02T00:00:00Z', { group: 'laptop/api' }),
    ];
    const outcome = run(list, { keepLast: 1, keepWithin: '12h' }, UTC);
    expect(outcome.groups.map((g) => g.group)).toEqual(['laptop/api', 'laptop/docs']);
    expect(outcome.groups.map((g) => summary(g))).toEqual([
      { keep: { b2: ['within 12h', 'last snapshot'] }, remove: ['b1'] },
      { keep: { a2: ['within 12h', 'last snapshot'] }, remove: ['a1'] },
    ]);
  });

  it('returns the caller’s own snapshot objects', () => {
    const list = series('2024-01-01T00:00:00Z', 2, DAY);
    const group = run(list, { keepLast: 1 }).groups[0];
    expect(group?.keep[0]?.snapshot).toBe(list[1]);
    expect(group?.remove[0]).toBe(list[0]);
  });
});
