/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), as in crontab(5):
 * `*`, lists `a,b`, ranges `a-b`, steps `*\/n` and `a-b/n`, month and weekday names, 7 = Sunday.
 * As in Vixie cron, when both day fields are restricted a day matching either one counts.
 * Written here rather than taken from a package: it is small, and the packages that exist each
 * carry their own time-zone handling, which schedule.ts does with Intl.
 */
import { CairnError } from '../engine/errors.js';

export interface CronSpec {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** True when that day field is `*` (only the other one then restricts days). */
  anyDay: boolean;
  anyWeekday: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesFrom?: number;
}

const FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

export function parseCron(expression: string): CronSpec {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw cronError(
      expression,
      `needs 5 fields (minute hour day month weekday), not ${parts.length}`,
    );
  }
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!, expression));
  const weekdays = sets[4]!;
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    minutes: [...sets[0]!].sort((a, b) => a - b),
    hours: [...sets[1]!].sort((a, b) => a - b),
    days: sets[2]!,
    months: sets[3]!,
    weekdays,
    anyDay: parts[2] === '*',
    anyWeekday: parts[4] === '*',
  };
}

/** Whether the calendar date (month 1–12, weekday 0 = Sunday) is one the spec runs on. */
export function cronMatchesDay(
  spec: CronSpec,
  month: number,
  day: number,
  weekday: number,
): boolean {
  if (!spec.months.has(month)) return false;
  const byDay = spec.days.has(day);
  const byWeekday = spec.weekdays.has(weekday);
  if (spec.anyDay && spec.anyWeekday) return true;
  if (spec.anyDay) return byWeekday;
  if (spec.anyWeekday) return byDay;
  return byDay || byWeekday;
}

function parseField(text: string, field: Field, expression: string): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw cronError(expression, `${field.name}: bad step in ${JSON.stringify(item)}`);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = field.min;
      to = field.name === 'day of week' ? 6 : field.max;
    } else {
      const [a = '', b] = range.split('-');
      from = value(a, field, expression);
      to =
        b === undefined ? (stepText === undefined ? from : field.max) : value(b, field, expression);
    }
    if (from > to) {
      throw cronError(expression, `${field.name}: range ${JSON.stringify(range)} runs backwards`);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function value(text: string, field: Field, expression: string): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  const n = named >= 0 ? named + (field.namesFrom ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max) {
    throw cronError(
      expression,
      `${field.name}: ${JSON.stringify(text)} is not a value from ${field.min} to ${field.max}`,
    );
  }
  return n;
}

function cronError(expression: string, why: string): CairnError {
  return new CairnError(
    'invalid-argument',
    `cron expression ${JSON.stringify(expression)}: ${why}`,
  );
}
