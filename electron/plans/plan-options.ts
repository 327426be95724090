/**
 * The options of `cairn plan add` that are numbers or durations, read from the text the user
 * typed — on the command line or in the app's plan form, which both come through here, so a
 * value is accepted or refused (with the same one-line reason) wherever it is given.
 */
import { CairnError } from '../engine/errors.js';
import type { Retention } from './config-schema.js';
import { KEEP_OPTIONS } from './plan-retention.js';
import { parseInterval } from './schedule.js';

/** `--keep-last 7`, `--prune-every 3`: a whole number, -1 meaning all. */
export function parseCount(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < -1)
    throw new CairnError('invalid-argument', `--${option} ${text}: write a whole number (-1: all)`);
  return Number(text);
}

/** `--verify 5%`: the share of packs each run reads back; none given: no check. */
export function parseVerifyPercent(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text.replace(/%$/, ''));
  if (!(n > 0 && n <= 100))
    throw new CairnError('invalid-argument', `--verify ${text}: write a percentage like 5%`);
  return n;
}

/** `--api-every`: the API sources' own interval, for a plan that has folders besides. */
export function parseApiEvery(
  text: string | undefined,
  folders: number,
  apis: number,
): number | undefined {
  if (text === undefined) return undefined;
  if (apis === 0)
    throw new CairnError('invalid-argument', '--api-every needs API sources (--api SOURCE.json)');
  if (folders === 0)
    throw new CairnError(
      'invalid-argument',
      `--api-every is for a plan with folders too; a plan of API sources only is polled on its schedule: --every ${text}`,
    );
  const seconds = parseInterval(text);
  if (seconds < 60)
    throw new CairnError('invalid-argument', `--api-every ${text}: at least 1m between polls`);
  return seconds;
}

type KeepCount = (typeof KEEP_OPTIONS)[keyof typeof KEEP_OPTIONS];

/**
 * The keep-* rules of a form (a count, or the text typed, checked as `--keep-last TEXT` is;
 * empty text: the rule is not used).
 */
export function retentionFromOptions(
  options: Partial<Record<KeepCount, number | string>> & { keepWithin?: string | undefined },
): Retention {
  const retention: Retention = {};
  for (const [option, key] of Object.entries(KEEP_OPTIONS)) {
    const value = options[key];
    const n = typeof value === 'number' ? value : parseCount(option, optionText(value));
    if (n !== undefined) retention[key] = n;
  }
  const within = optionText(options.keepWithin);
  if (within !== undefined) retention.keepWithin = within;
  return retention;
}

/** Text left empty in a form is an option not given. */
export function optionText(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}
