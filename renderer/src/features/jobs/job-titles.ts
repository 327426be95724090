import type { JobKind } from '../../../../shared/contract';

/** What each kind of job is called in its card, running (job card) or past (run card). */
export const jobTitles = {
  backup: 'Backup',
  restore: 'Restore',
  check: 'Check',
  repair: 'Repair',
  export: 'Export',
  'restore-api': 'Restore into API',
  copy: 'Copy',
} as const satisfies Record<JobKind, string>;
