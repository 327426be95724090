/**
 * The calendar buckets keep-hourly … keep-yearly count, read on the user's wall clock.
 *
 * An hour bucket carries the UTC offset as well as the hour: when clocks go back, 02:00–02:59
 * happens twice, and those are two hours that really passed, so keep-hourly 24 keeps one
 * snapshot from each (restic's wall-clock key would merge them). Days, weeks, months and
 * years are plain calendar ones: a 23- or 25-hour day is still one day.
 */
import { formatOffsetMs, pad, utcOfWallTime, wallTimeAt } from './local-time.js';

export type CalendarBucket = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export type Buckets = Record<CalendarBucket, string>;

/** Every bucket the instant `ms` falls in, from one reading of the wall clock. */
export function bucketsAt(ms: number, timeZone: string): Buckets {
  const t = wallTimeAt(ms, timeZone);
  const date = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  const week = isoWeek(t.year, t.month, t.day);
  return {
    hourly: `${date}T${pad(t.hour)}${formatOffsetMs(utcOfWallTime(t) - ms)}`,
    daily: date,
    weekly: `${pad(week.year, 4)}-W${pad(week.week)}`,
    monthly: `${pad(t.year, 4)}-${pad(t.month)}`,
    yearly: pad(t.year, 4),
  };
}

export function bucketOf(kind: CalendarBucket, ms: number, timeZone: string): string {
  return bucketsAt(ms, timeZone)[kind];
}

/**
 * ISO 8601 week of a calendar date: weeks start on Monday and week 1 holds the year's first
 * Thursday, so 1 January may belong to the previous year's week 52 or 53.
 */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  // The Thursday of the same week decides which year the week belongs to.
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const dayOfYear = (date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000;
  return { year: weekYear, week: Math.floor(dayOfYear / 7) + 1 };
}
