/**
 * The calendar buckets keep-hourly … keep-yearly count, read on the user's wall clock.
 *
 * An hour bucket carries the UTC offset as well as the hour: when clocks go back, 02:00–02:59
 * happens twice, and those are two hours that really passed, so keep-hourly 24 keeps one
 * snapshot from each (restic's wall-clock key would merge them). Days, weeks, months and
 * years are plain calendar ones: a 23- or 25-hour day is still one day.
 */
import { formatOffset, pad, wallTimeAt } from './local-time.js';

export type CalendarBucket = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export function bucketOf(kind: CalendarBucket, ms: number, timeZone: string): string {
  const t = wallTimeAt(ms, timeZone);
  const date = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  switch (kind) {
    case 'hourly':
      return `${date}T${pad(t.hour)}${formatOffset(ms, timeZone)}`;
    case 'daily':
      return date;
    case 'weekly': {
      const week = isoWeek(t.year, t.month, t.day);
      return `${pad(week.year, 4)}-W${pad(week.week)}`;
    }
    case 'monthly':
      return `${pad(t.year, 4)}-${pad(t.month)}`;
    case 'yearly':
      return pad(t.year, 4);
  }
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
