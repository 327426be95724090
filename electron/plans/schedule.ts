/**
 * When a plan runs. Intervals (`every`) count elapsed time from the last run, so clock changes
 * do not touch them. Clock times (`daily`, `weekly`, `cron`) are wall-clock readings in the
 * plan's IANA time zone: a time that does not exist on the day clocks go forward runs when the
 * clock has jumped past it (02:30 → 03:30), and a time that happens twice when clocks go back
 * runs once, the first time — no skipped and no doubled runs.
 */
import { CairnError } from '../engine/errors.js';
import { instantOfWallTime, wallTimeAt } from '../engine/service.js';
import { WEEKDAYS, type Schedule } from './config-schema.js';
import { cronMatchesDay, parseCron, type CronSpec } from './cron.js';

const DAY_MS = 86_400_000;
/** How far ahead a clock-time schedule is searched (a Feb 29 cron finds its day). */
const SEARCH_DAYS = 366 * 8;

/** The first run strictly after `afterMs`, or null for a plan run only by hand. */
export function nextRunAfter(schedule: Schedule, afterMs: number, timeZone: string): number | null {
  if (schedule.type === 'manual') return null;
  if (schedule.type === 'every') return afterMs + schedule.seconds * 1000;
  const spec = cronSpecOf(schedule);
  const start = wallTimeAt(afterMs, timeZone);
  const firstDay = Date.UTC(start.year, start.month - 1, start.day);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const day = new Date(firstDay + i * DAY_MS);
    const [year, month, date] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    if (!cronMatchesDay(spec, month, date, day.getUTCDay())) continue;
    // The earliest of the day: around a clock change, wall order and time order can differ.
    let best: number | null = null;
    for (const hour of spec.hours) {
      for (const minute of spec.minutes) {
        const wall = { year, month, day: date, hour, minute, second: 0, millisecond: 0 };
        const at = instantOfWallTime(wall, timeZone);
        if (at > afterMs && (best === null || at < best)) best = at;
      }
    }
    if (best !== null) return best;
  }
  return null;
}

/** The next `count` runs after `afterMs` (a plan's preview). */
export function upcomingRuns(
  schedule: Schedule,
  afterMs: number,
  timeZone: string,
  count: number,
): number[] {
  const out: number[] = [];
  let at = afterMs;
  while (out.length < count) {
    const next = nextRunAfter(schedule, at, timeZone);
    if (next === null) break;
    out.push(next);
    at = next;
  }
  return out;
}

/** The usual time between two runs (for "overdue"); null for a plan run only by hand. */
export function typicalInterval(
  schedule: Schedule,
  nowMs: number,
  timeZone: string,
): number | null {
  if (schedule.type === 'every') return schedule.seconds * 1000;
  const runs = upcomingRuns(schedule, nowMs, timeZone, 8);
  if (runs.length < 2) return null;
  let longest = 0;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
  return longest;
}

function cronSpecOf(schedule: Exclude<Schedule, { type: 'manual' | 'every' }>): CronSpec {
  switch (schedule.type) {
    case 'cron':
      return parseCron(schedule.expression);
    case 'daily':
      return parseCron(`${clock(schedule.time)} * * *`);
    case 'weekly':
      return parseCron(
        `${clock(schedule.time)} * * ${schedule.days.map((d) => WEEKDAYS.indexOf(d)).join(',')}`,
      );
  }
}

/** "HH:MM" as cron's "M H". */
function clock(time: string): string {
  const [h, m] = time.split(':');
  return `${Number(m)} ${Number(h)}`;
}

/** A schedule from the CLI's options; at most one may be given (none: run only by hand). */
export function scheduleFromOptions(options: {
  every?: string | undefined;
  daily?: string | undefined;
  weekly?: string | undefined;
  cron?: string | undefined;
}): Schedule {
  const given = (['every', 'daily', 'weekly', 'cron'] as const).filter(
    (k) => options[k] !== undefined,
  );
  if (given.length > 1) {
    throw new CairnError(
      'invalid-argument',
      `choose one schedule, not ${given.map((k) => `--${k}`).join(' and ')}`,
    );
  }
  if (options.every !== undefined) return { type: 'every', seconds: parseInterval(options.every) };
  if (options.daily !== undefined)
    return { type: 'daily', time: parseClock(options.daily, '--daily') };
  if (options.weekly !== undefined) return parseWeekly(options.weekly);
  if (options.cron !== undefined) {
    parseCron(options.cron);
    return { type: 'cron', expression: options.cron.trim() };
  }
  return { type: 'manual' };
}

/** `90s`, `15m`, `1h30m`, `2d`: seconds. */
export function parseInterval(text: string): number {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  if (!/^(\d+[smhd])+$/.test(text)) {
    throw new CairnError(
      'invalid-argument',
      `--every ${JSON.stringify(text)}: write a duration like 30m, 2h, 1h30m or 1d`,
    );
  }
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) seconds += Number(n) * units[unit!]!;
  if (seconds < 1)
    throw new CairnError('invalid-argument', `--every ${text}: must be longer than 0`);
  return seconds;
}

function parseClock(text: string, option: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const [h, m] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(h >= 0 && h <= 23 && m >= 0 && m <= 59)) {
    throw new CairnError(
      'invalid-argument',
      `${option} ${JSON.stringify(text)}: write a time as HH:MM, like 02:30`,
    );
  }
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** `mon,wed,fri@18:00` or `mon-fri@07:30`. */
function parseWeekly(text: string): Schedule {
  const at = text.lastIndexOf('@');
  const usage = `--weekly ${JSON.stringify(text)}: write days and a time, like mon,thu@18:00 or mon-fri@07:30`;
  if (at < 0) throw new CairnError('invalid-argument', usage);
  const days = new Set<(typeof WEEKDAYS)[number]>();
  for (const item of text.slice(0, at).toLowerCase().split(',')) {
    const [a = '', b] = item.split('-');
    const from = WEEKDAYS.indexOf(a.slice(0, 3) as (typeof WEEKDAYS)[number]);
    const to =
      b === undefined ? from : WEEKDAYS.indexOf(b.slice(0, 3) as (typeof WEEKDAYS)[number]);
    if (from < 0 || to < 0) throw new CairnError('invalid-argument', usage);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(WEEKDAYS[d]!);
      if (d === to) break;
    }
  }
  const order = (d: string) => (WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number]) + 6) % 7;
  return {
    type: 'weekly',
    days: [...days].sort((a, b) => order(a) - order(b)),
    time: parseClock(text.slice(at + 1), '--weekly'),
  };
}

/** "every 2h", "daily at 02:30", "mon, wed at 18:00", "cron 0 3 * * *", "by hand only". */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.type) {
    case 'manual':
      return 'by hand only';
    case 'every':
      return `every ${formatSeconds(schedule.seconds)}`;
    case 'daily':
      return `daily at ${schedule.time}`;
    case 'weekly':
      return `${schedule.days.join(', ')} at ${schedule.time}`;
    case 'cron':
      return `cron ${schedule.expression}`;
  }
}

export function formatSeconds(seconds: number): string {
  const parts: string[] = [];
  let left = seconds;
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  return parts.join('') || '0s';
}
