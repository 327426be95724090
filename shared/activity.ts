/**
 * The activity history as the UI sees it: every plan run and every job started in the app,
 * kept by the host under CAIRN_HOME (`activity/`), so it survives restarts and reloads. Plain
 * data only; the contract's `listActivity` and `getActivityLog` answer with these.
 */
import type { JobProgress } from './domain.js';

/** `running` until the end is recorded; `interrupted` when the process died before that. */
export const ACTIVITY_RESULTS = [
  'running',
  'ok',
  'incomplete',
  'failed',
  'cancelled',
  'skipped',
  'interrupted',
] as const;
export type ActivityResult = (typeof ACTIVITY_RESULTS)[number];

export type ActivityKind =
  'backup' | 'restore' | 'check' | 'repair' | 'export' | 'restore-api' | 'copy';

/** `app`: started in the app; the others: by a plan (its schedule, a catch-up, a retry, a person, a change). */
export type ActivityTrigger = 'app' | 'schedule' | 'catch-up' | 'retry' | 'manual' | 'watch';

export interface ActivityStats {
  files_new: number;
  files_changed: number;
  files_unchanged: number;
  bytes_processed: number;
  bytes_added: number;
  duration_ms: number;
}

export interface ActivityRun {
  id: string;
  kind: ActivityKind;
  /** The plan that ran; null for a job started in the app. */
  plan: string | null;
  trigger: ActivityTrigger;
  /** The repository, credentials left out; null where the record does not say. */
  repository: string | null;
  startedAt: string;
  endedAt: string | null;
  result: ActivityResult;
  /** A backup's (first) snapshot. */
  snapshot: string | null;
  /** A backup's statistics (summed over its snapshots). */
  stats: ActivityStats | null;
  /** What a restore, check or export did, in one line. */
  summary: string | null;
  warnings: string[];
  error: string | null;
  /** The app's job id (null for a plan's run): a running one is followed and cancelled by it. */
  jobId: string | null;
  /**
   * A running plan run's latest progress, for one another process runs (`cairn plan run` in a
   * terminal); null otherwise, or before its first report.
   */
  progress?: JobProgress | null;
}

export interface ActivityLogText {
  id: string;
  /** The log's last part when it is long (see `truncated`). */
  text: string;
  truncated: boolean;
}
