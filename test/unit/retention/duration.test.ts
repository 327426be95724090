import { describe, expect, it } from 'vitest';
import {
  durationBefore,
  formatDuration,
  parseDuration,
} from '../../../electron/engine/retention/duration.js';
import { CairnError } from '../../../electron/engine/errors.js';

describe('parseDuration', () => {
  it('reads every unit, in any order', () => {
    expect(parseDuration('1y6m3d12h')).toEqual({ years: 1, months: 6, days: 3, hours: 12 });
    expect(parseDuration('12h3d')).toEqual({ years: 0, months: 0, days: 3, hours: 12 });
    expect(parseDuration(' 36h ')).toEqual({ years: 0, months: 0, days: 0, hours: 36 });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['5', /5 has no unit/],
    ['3w', /unknown unit "w" after 3/],
    ['1D', /unknown unit "D"/],
    ['d', /expected a number at "d"/],
    ['-1d', /expected a number at "-1d"/],
    ['1d2d', /unit "d" appears twice/],
    ['1.5d', /unknown unit "\." after 1/],
    ['99999999d', /too large/],
  ])('rejects %j with a clear message', (text, why) => {
    let error: unknown;
    try {
      parseDuration(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).kind).toBe('invalid-argument');
    expect((error as CairnError).message).toMatch(why);
    expect((error as CairnError).message).toMatch(/expected e\.g\. 1y6m3d12h/);
  });
});

describe('formatDuration', () => {
  it('prints the parts that are not zero, as restic does', () => {
    expect(formatDuration(parseDuration('1y6m'))).toBe('1y6m');
    expect(formatDuration(parseDuration('12h3d'))).toBe('3d12h');
    expect(formatDuration(parseDuration('0d'))).toBe('0h');
  });
});

describe('durationBefore', () => {
  const back = (iso: string, text: string, zone: string): string =>
    new Date(durationBefore(Date.parse(iso), parseDuration(text), zone)).toISOString();

  it('takes calendar days off, so a day across spring-forward is 23 hours', () => {
    // 31 March 2024, 12:00 CEST → 30 March, 12:00 CET.
    expect(back('2024-03-31T10:00:00Z', '1d', 'Europe/Berlin')).toBe('2024-03-30T11:00:00.000Z');
    expect(back('2024-03-31T10:00:00Z', '24h', 'Europe/Berlin')).toBe('2024-03-30T10:00:00.000Z');
  });

  it('takes calendar days off, so a day across fall-back is 25 hours', () => {
    // New York, 3 November 2024: 12:00 EST → 2 November, 12:00 EDT.
    expect(back('2024-11-03T17:00:00Z', '1d', 'America/New_York')).toBe('2024-11-02T16:00:00.000Z');
  });

  it('rolls 29 February minus a year over to 1 March, as Go AddDate does', () => {
    expect(back('2024-02-29T12:00:00Z', '1y', 'UTC')).toBe('2023-03-01T12:00:00.000Z');
    expect(back('2028-02-29T12:00:00Z', '4y', 'UTC')).toBe('2024-02-29T12:00:00.000Z');
  });

  it('rolls a missing day of the month over (31 March minus 1 month is 2 March in a leap year)', () => {
    expect(back('2024-03-31T12:00:00Z', '1m', 'UTC')).toBe('2024-03-02T12:00:00.000Z');
    expect(back('2023-03-31T12:00:00Z', '1m', 'UTC')).toBe('2023-03-03T12:00:00.000Z');
  });

  it('lands on the earlier instant when the result is a wall time that happens twice', () => {
    // Berlin, 28 October 2024 02:30 CET minus 1 day → 27 October 02:30, which is both CEST
    // (00:30Z) and CET (01:30Z); the earlier keeps the window long.
    expect(back('2024-10-28T01:30:00Z', '1d', 'Europe/Berlin')).toBe('2024-10-27T00:30:00.000Z');
  });

  it('moves forward when the result is a wall time that never happens', () => {
    // Berlin, 1 April 2024 02:30 CEST minus 1 day → 31 March 02:30, skipped; read as 03:30 CEST.
    expect(back('2024-04-01T00:30:00Z', '1d', 'Europe/Berlin')).toBe('2024-03-31T01:30:00.000Z');
  });

  it('subtracts hours as elapsed time after the calendar part', () => {
    expect(back('2024-03-31T10:00:00Z', '1d2h', 'Europe/Berlin')).toBe('2024-03-30T09:00:00.000Z');
  });
});
