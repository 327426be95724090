/**
 * A plan's retention as the engine's forget rules; null when the plan keeps everything.
 */
import type { RetentionRules } from '../engine/service-types.js';
import type { Retention } from './config-schema.js';

export function retentionRules(retention: Retention): RetentionRules | null {
  const rules: RetentionRules = { ...retention };
  const used = Object.values(rules).some((v) =>
    Array.isArray(v) ? v.length > 0 : typeof v === 'number' ? v !== 0 : v !== undefined,
  );
  return used ? rules : null;
}

/** The CLI's keep-* options, as a plan stores them. */
export const KEEP_OPTIONS = {
  'keep-last': 'keepLast',
  'keep-hourly': 'keepHourly',
  'keep-daily': 'keepDaily',
  'keep-weekly': 'keepWeekly',
  'keep-monthly': 'keepMonthly',
  'keep-yearly': 'keepYearly',
} as const;
