import { describe, expect, it } from 'vitest';
import { bucketOf, isoWeek } from '../../../electron/engine/retention/buckets.js';
import {
  instantOfWallTime,
  resolveTimeZone,
  wallTimeAt,
} from '../../../electron/engine/retention/local-time.js';

const at = (iso: string): number => Date.parse(iso);

describe('isoWeek', () => {
  it.each([
    [2024, 12, 29, 2024, 52], // Sunday
    [2024, 12, 30, 2025, 1], // Monday of the week holding 2 January 2025 (a Thursday)
    [2025, 1, 1, 2025, 1],
    [2021, 1, 3, 2020, 53], // 2020 has 53 ISO weeks
    [2026, 12, 31, 2026, 53],
    [2024, 2, 29, 2024, 9],
  ])('%i-%i-%i is week %i-W%i', (y, m, d, wy, w) => {
    expect(isoWeek(y, m, d)).toEqual({ year: wy, week: w });
  });
});

describe('bucketOf', () => {
  it('reads days on the wall clock of the given zone', () => {
    // 23:30 UTC on 10 March is already 11 March in Berlin.
    expect(bucketOf('daily', at('2024-03-10T23:30:00Z'), 'Europe/Berlin')).toBe('2024-03-11');
    expect(bucketOf('daily', at('2024-03-10T23:30:00Z'), 'UTC')).toBe('2024-03-10');
    expect(bucketOf('daily', at('2024-03-11T03:30:00Z'), 'America/New_York')).toBe('2024-03-10');
  });

  it('puts every hour of a 25-hour day in the same day and 25 different hours', () => {
    const start = at('2024-10-26T22:00:00Z'); // 27 October 00:00 CEST
    const hours = Array.from({ length: 25 }, (_, i) => start + i * 3_600_000);
    const days = new Set(hours.map((ms) => bucketOf('daily', ms, 'Europe/Berlin')));
    const hourly = new Set(hours.map((ms) => bucketOf('hourly', ms, 'Europe/Berlin')));
    expect([...days]).toEqual(['2024-10-27']);
    expect(hourly.size).toBe(25);
  });

  it('tells the two 01:30s of a New York fall-back night apart by their offset', () => {
    const first = bucketOf('hourly', at('2024-11-03T05:30:00Z'), 'America/New_York');
    const second = bucketOf('hourly', at('2024-11-03T06:30:00Z'), 'America/New_York');
    expect(first).toBe('2024-11-03T01-04:00');
    expect(second).toBe('2024-11-03T01-05:00');
  });

  it('puts every hour of a 23-hour day in the same day', () => {
    const start = at('2024-03-30T23:00:00Z'); // 31 March 00:00 CET
    const hours = Array.from({ length: 23 }, (_, i) => start + i * 3_600_000);
    expect(new Set(hours.map((ms) => bucketOf('daily', ms, 'Europe/Berlin')))).toEqual(
      new Set(['2024-03-31']),
    );
    expect(bucketOf('daily', start + 23 * 3_600_000, 'Europe/Berlin')).toBe('2024-04-01');
  });

  it('keeps 29 February its own day, and weeks and months across the new year', () => {
    expect(bucketOf('daily', at('2024-02-29T12:00:00Z'), 'UTC')).toBe('2024-02-29');
    expect(bucketOf('weekly', at('2024-12-31T12:00:00Z'), 'UTC')).toBe('2025-W01');
    expect(bucketOf('monthly', at('2024-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2025-01');
    expect(bucketOf('yearly', at('2024-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2025');
    expect(bucketOf('yearly', at('2024-12-31T23:30:00Z'), 'America/New_York')).toBe('2024');
  });
});

describe('wall time in a zone', () => {
  it('reads the wall clock, midnight as hour 0', () => {
    expect(wallTimeAt(at('2024-06-30T22:00:00.250Z'), 'Europe/Berlin')).toEqual({
      year: 2024,
      month: 7,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 250,
    });
  });

  it('turns a wall time back into an instant, also across DST', () => {
    const wall = { year: 2024, month: 7, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
    expect(new Date(instantOfWallTime(wall, 'Europe/Berlin')).toISOString()).toBe(
      '2024-06-30T22:00:00.000Z',
    );
    const repeated = { ...wall, month: 11, day: 3, hour: 1, minute: 30 };
    expect(new Date(instantOfWallTime(repeated, 'America/New_York')).toISOString()).toBe(
      '2024-11-03T05:30:00.000Z',
    );
    const skipped = { ...wall, month: 3, day: 10, hour: 2, minute: 30 };
    expect(new Date(instantOfWallTime(skipped, 'America/New_York')).toISOString()).toBe(
      '2024-03-10T07:30:00.000Z',
    );
  });

  it('defaults to the process zone and rejects unknown zones', () => {
    expect(resolveTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(() => resolveTimeZone('Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });
});
