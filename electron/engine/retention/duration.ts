/**
 * DURATION for keep-within (the CLI's JSON and argument contract, README.md): whole numbers with a unit, y(ears), m(onths), d(ays),
 * h(ours), in any order, each unit at most once: `1y6m3d12h`, `36h`, `2m`.
 */
import { CairnError } from '../errors.js';
import { instantOfWallTime, wallTimeAt } from './local-time.js';

export interface RetentionDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

const UNITS = { y: 'years', m: 'months', d: 'days', h: 'hours' } as const;
type Unit = keyof typeof UNITS;

// Far beyond any sensible retention, small enough that date arithmetic stays exact.
const MAX_AMOUNT = 1_000_000;

export function parseDuration(text: string): RetentionDuration {
  const fail = (why: string): never => {
    throw new CairnError(
      'invalid-argument',
      `invalid duration ${JSON.stringify(text)}: ${why} (expected e.g. 1y6m3d12h; units y, m, d, h)`,
    );
  };
  const source = text.trim();
  if (source === '') fail('it is empty');
  const duration: RetentionDuration = { years: 0, months: 0, days: 0, hours: 0 };
  const seen = new Set<Unit>();
  let rest = source;
  while (rest !== '') {
    const match = /^(\d+)(.?)/.exec(rest);
    if (!match) fail(`expected a number at ${JSON.stringify(rest)}`);
    const [whole, digits = '', unit = ''] = match as RegExpExecArray;
    if (unit === '') fail(`${digits} has no unit`);
    if (!(unit in UNITS)) fail(`unknown unit ${JSON.stringify(unit)} after ${digits}`);
    const amount = Number(digits);
    if (amount > MAX_AMOUNT) fail(`${digits} is too large`);
    if (seen.has(unit as Unit)) fail(`unit ${JSON.stringify(unit)} appears twice`);
    seen.add(unit as Unit);
    duration[UNITS[unit as Unit]] = amount;
    rest = rest.slice(whole.length);
  }
  return duration;
}

export function isZeroDuration(d: RetentionDuration): boolean {
  return d.years === 0 && d.months === 0 && d.days === 0 && d.hours === 0;
}

/** `1y6m` — zero parts left out, as restic prints it. */
export function formatDuration(d: RetentionDuration): string {
  const text =
    (d.years ? `${d.years}y` : '') +
    (d.months ? `${d.months}m` : '') +
    (d.days ? `${d.days}d` : '') +
    (d.hours ? `${d.hours}h` : '');
  return text === '' ? '0h' : text;
}

/**
 * The instant `d` before `ms`, as restic computes it: years, months and days are taken off the
 * wall-clock date in `timeZone` (so a day is a calendar day, 23 or 25 hours across a DST
 * change, and 29 February minus one year rolls over to 1 March like Go's AddDate), then hours
 * are taken off as elapsed time.
 */
export function durationBefore(ms: number, d: RetentionDuration, timeZone: string): number {
  const wall = wallTimeAt(ms, timeZone);
  const shifted = instantOfWallTime(
    {
      ...wall,
      year: wall.year - d.years,
      month: wall.month - d.months,
      day: wall.day - d.days,
    },
    timeZone,
  );
  return shifted - d.hours * 3_600_000;
}
