/**
 * Wall-clock time in an IANA time zone, with nothing but Intl.DateTimeFormat (no Temporal), so
 * the same code runs on Node 20 and in Electron. Retention buckets (hour, day, week, month,
 * year) are what the user's clock showed, not UTC.
 */
import { CairnError } from '../errors.js';

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone to use: the one given (validated), else the process's own. */
export function resolveTimeZone(timeZone?: string): string {
  const zone = timeZone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
  formatterFor(zone);
  return zone;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter) return formatter;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new CairnError('invalid-argument', `unknown time zone ${JSON.stringify(timeZone)}`);
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** The wall-clock reading in `timeZone` at the instant `ms` (milliseconds since the epoch). */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? NaN,
    month: fields.month ?? NaN,
    day: fields.day ?? NaN,
    // Some ICU builds still print midnight as 24 even with h23.
    hour: (fields.hour ?? NaN) % 24,
    minute: fields.minute ?? NaN,
    second: fields.second ?? NaN,
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

/**
 * Milliseconds since the epoch of a wall-clock reading taken as if it were UTC. Out-of-range
 * fields roll over (January 31 + 1 month = March 3 or 2), as Go's time.Date does; restic's
 * keep-within relies on that.
 */
export function utcOfWallTime(t: WallTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
}

/** How far `timeZone` is ahead of UTC at the instant `ms`, in milliseconds. */
export function offsetAt(ms: number, timeZone: string): number {
  return utcOfWallTime(wallTimeAt(ms, timeZone)) - ms;
}

/**
 * The instant a wall clock in `timeZone` shows `wall`. A reading that happens twice (clocks go
 * back) resolves to the earlier instant; one that never happens (clocks go forward) is moved
 * forward by the gap, like Temporal's "compatible" disambiguation. Go leaves this choice
 * unspecified; the earlier instant makes a keep-within window longer, never shorter.
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const asUtc = utcOfWallTime(wall);
  // Real zones change offset at most once within a day, so the offsets a day either side are
  // the only two candidates.
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const valid = [asUtc - before, asUtc - after].filter(
    (candidate) => utcOfWallTime(wallTimeAt(candidate, timeZone)) === asUtc,
  );
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: read the clock with the offset from before the change, which lands after it.
  return asUtc - before;
}

/** "+01:00"-style offset of `timeZone` at `ms`. */
export function formatOffset(ms: number, timeZone: string): string {
  return formatOffsetMs(offsetAt(ms, timeZone));
}

/** "+05:30"-style text for an offset in milliseconds. */
export function formatOffsetMs(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
