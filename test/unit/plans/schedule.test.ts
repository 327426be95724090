/**
 * Schedules in local time: clock times in a named zone, across both daylight-saving changes,
 * with neither a skipped nor a doubled run; cron expressions; the CLI's schedule options.
 */
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../electron/plans/cron.js';
import {
  nextRunAfter,
  scheduleFromOptions,
  typicalInterval,
  upcomingRuns,
} from '../../../electron/plans/schedule.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('daily schedule across daylight-saving changes', () => {
  it('Europe/Berlin spring forward: 02:30 does not exist, so that day runs at 03:30 CEST', () => {
    // Clocks jump from 02:00 CET to 03:00 CEST on 2026-03-29.
    const runs = upcomingRuns(
      { type: 'daily', time: '02:30' },
      at('2026-03-27T12:00:00Z'),
      'Europe/Berlin',
      4,
    ).map(iso);
    expect(runs).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // 03:30 CEST, right after the jump: not skipped
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('Europe/Berlin fall back: 02:30 happens twice, the plan runs once', () => {
    // Clocks go back from 03:00 CEST to 02:00 CET on 2026-10-25.
    const runs = upcomingRuns(
      { type: 'daily', time: '02:30' },
      at('2026-10-23T12:00:00Z'),
      'Europe/Berlin',
      3,
    ).map(iso);
    expect(runs).toEqual([
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); not again at 01:30Z
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('America/New_York both ways, computed from the moment right after a run', () => {
    const schedule = { type: 'daily', time: '02:15' } as const;
    const spring = nextRunAfter(schedule, at('2026-03-07T07:15:00Z'), 'America/New_York')!;
    expect(iso(spring)).toBe('2026-03-08T07:15:00.000Z'); // 03:15 EDT: 02:15 never happens
    // Fall back on 2026-11-01 (02:00 EDT → 01:00 EST): 02:15 happens once, in EST...
    const fall = upcomingRuns(schedule, at('2026-10-31T12:00:00Z'), 'America/New_York', 2);
    expect(fall.map(iso)).toEqual(['2026-11-01T07:15:00.000Z', '2026-11-02T07:15:00.000Z']);
    // ...but 01:30 does: once, the first time.
    const twice = upcomingRuns(
      { type: 'daily', time: '01:30' },
      at('2026-10-31T12:00:00Z'),
      'America/New_York',
      2,
    );
    expect(twice.map(iso)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('intervals count elapsed time and ignore the clock change', () => {
    const runs = upcomingRuns(
      { type: 'every', seconds: 3600 },
      at('2026-03-29T00:00:00Z'),
      'Europe/Berlin',
      3,
    );
    expect(runs.map(iso)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
      '2026-03-29T03:00:00.000Z',
    ]);
  });
});

describe('weekly and cron', () => {
  it('weekly on chosen days at a local time', () => {
    const schedule = scheduleFromOptions({ weekly: 'mon,thu@18:00' });
    expect(schedule).toEqual({ type: 'weekly', days: ['mon', 'thu'], time: '18:00' });
    // 2026-12-04 is a Friday.
    const runs = upcomingRuns(schedule, at('2026-12-04T12:00:00Z'), 'Europe/Berlin', 3);
    expect(runs.map(iso)).toEqual([
      '2026-12-07T17:00:00.000Z',
      '2026-12-10T17:00:00.000Z',
      '2026-12-14T17:00:00.000Z',
    ]);
    expect(scheduleFromOptions({ weekly: 'mon-fri@07:30' })).toMatchObject({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    });
  });

  it('cron with steps, ranges, names and both day fields (either matches)', () => {
    const every15 = upcomingRuns(
      { type: 'cron', expression: '*/15 9-10 * * mon-fri' },
      at('2026-12-04T09:50:00Z'),
      'UTC',
      3,
    );
    expect(every15.map(iso)).toEqual([
      '2026-12-04T10:00:00.000Z',
      '2026-12-04T10:15:00.000Z',
      '2026-12-04T10:30:00.000Z',
    ]);
    const weekendSkipped = nextRunAfter(
      { type: 'cron', expression: '*/15 9-10 * * mon-fri' },
      at('2026-12-04T10:50:00Z'),
      'UTC',
    )!;
    expect(iso(weekendSkipped)).toBe('2026-12-07T09:00:00.000Z');
    // Day 1 of the month or any Sunday.
    const either = upcomingRuns(
      { type: 'cron', expression: '0 0 1 * 7' },
      at('2026-12-01T12:00:00Z'),
      'UTC',
      3,
    );
    expect(either.map(iso)).toEqual([
      '2026-12-06T00:00:00.000Z',
      '2026-12-13T00:00:00.000Z',
      '2026-12-20T00:00:00.000Z',
    ]);
    const leap = nextRunAfter(
      { type: 'cron', expression: '0 12 29 feb *' },
      at('2026-03-01T00:00:00Z'),
      'UTC',
    )!;
    expect(iso(leap)).toBe('2028-02-29T12:00:00.000Z');
  });

  it('hourly cron through the Berlin spring gap runs each existing hour once', () => {
    const runs = upcomingRuns(
      { type: 'cron', expression: '30 * * * *' },
      at('2026-03-28T23:45:00Z'), // 00:45 CET
      'Europe/Berlin',
      3,
    );
    // 01:30 CET, then 02:30 (moved to 03:30 CEST), then 04:30 CEST.
    expect(runs.map(iso)).toEqual([
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:30:00.000Z',
    ]);
  });

  it('refuses a bad expression or option with a line that says what is wrong', () => {
    expect(() => parseCron('0 25 * * *')).toThrow(
      'cron expression "0 25 * * *": hour: "25" is not a value from 0 to 23',
    );
    expect(() => parseCron('0 0 * *')).toThrow('needs 5 fields');
    expect(() => scheduleFromOptions({ every: '10x' })).toThrow(
      '--every "10x": write a duration like 30m, 2h, 1h30m or 1d',
    );
    expect(() => scheduleFromOptions({ daily: '25:00' })).toThrow('--daily "25:00"');
    expect(() => scheduleFromOptions({ daily: '02:00', every: '1h' })).toThrow(
      'choose one schedule, not --every and --daily',
    );
    expect(scheduleFromOptions({})).toEqual({ type: 'manual' });
  });

  it('knows the usual time between runs, for the overdue alert', () => {
    expect(typicalInterval({ type: 'every', seconds: 90 }, 0, 'UTC')).toBe(90_000);
    expect(typicalInterval({ type: 'daily', time: '02:00' }, 0, 'UTC')).toBe(86_400_000);
    expect(typicalInterval({ type: 'manual' }, 0, 'UTC')).toBeNull();
  });
});
