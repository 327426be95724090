/**
 * The types the engine's operations share: job control and each operation's request and result.
 * They sit low in the engine, importing nothing above them, so the operations and the facade
 * (service-types.ts, which re-exports them for the hosts) both build on them without a circle.
 */
import type { BackupWarning, JobProgress, OverwritePolicy, Snapshot } from '../../shared/domain.js';
import type { RepositoryWarning } from './repository/damage.js';
import type { RetentionRules } from './retention/policy.js';
import type { SourceDefinition } from './sources/api/source-definition.js';

export interface JobControl {
  /** Aborting cancels the job; it rejects with a CairnError of kind 'cancelled'. */
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
  /** Least time between two progress events (default 250 ms); 0 reports every step. */
  progressIntervalMs?: number;
  /**
   * Under a lock: resolves while the lock is still held, rejects once it is lost. Called right
   * before each step that deletes data or saves a snapshot.
   */
  confirmLock?: () => Promise<void>;
  /** Told, once, what the user should know that is no error (reading without a lock). */
  onNotice?: (message: string) => void;
  /**
   * Damage met and worked around (a snapshot file skipped, an index file replaced by pack
   * headers), each file once, as it is found.
   */
  onWarning?: (warning: RepositoryWarning) => void;
}

export interface BackupRequest {
  /** Folders (or single files) to back up. */
  paths: string[];
  excludes?: string[];
  tags?: string[];
  /** Re-read every file instead of trusting size/mtime/inode against the parent snapshot. */
  forceFull?: boolean;
  /** Overrides the CLI's grouping (host + path set), e.g. a plan's name. */
  group?: string;
  /** API sources stored in the same snapshot under `/api/<name>/` (a plan's run). */
  apiSources?: SourceDefinition[];
}

export interface BackupResult {
  snapshot: Snapshot;
  warnings: BackupWarning[];
}

export interface RestoreRequest {
  snapshot: string; // id, prefix or 'latest'
  target: string;
  include?: string[];
  overwrite?: OverwritePolicy;
}

export interface RestoreResult {
  files_restored: number;
  files_skipped: number;
  files_renamed: number;
  bytes_restored: number;
  /** Entries not restored for other reasons: unsafe names, something in the way, includes not in the snapshot. */
  warnings: BackupWarning[];
  /**
   * Files and folders not restored because the repository data they need is damaged (a blob
   * or pack damaged or gone, a malformed tree entry), by snapshot path; the rest was restored.
   */
  damaged: BackupWarning[];
}

export interface CheckRequest {
  readData?: boolean;
  /** Percentage 0 < n ≤ 100 of packs to read. */
  readDataSubset?: number;
}

export interface CheckProblem {
  /** 'key', 'pack', 'index', 'snapshot', 'tree' or 'blob'. */
  kind: string;
  id: string;
  message: string;
  /** Snapshots and paths that depend on the damaged object. */
  snapshots?: string[];
  paths?: string[];
}

export interface CheckReport {
  ok: boolean;
  snapshots: number;
  packs: number;
  packs_read: number;
  blobs: number;
  problems: CheckProblem[];
}

export interface ForgetRequest {
  rules: RetentionRules;
  dryRun?: boolean;
  /** Prune right after, under the same exclusive lock. */
  prune?: boolean;
  /** IANA time zone for hourly/daily/… buckets; default the process's. */
  timeZone?: string;
  /** Only this group's snapshots (a plan's); default every group. */
  group?: string;
}

export interface ForgetGroup {
  group: string;
  keep: { snapshot: Snapshot; reasons: string[] }[];
  remove: Snapshot[];
}

export interface ForgetResult {
  /** Human-readable report of the policy and every decision. */
  report: string;
  groups: ForgetGroup[];
  removed: string[];
  prune: PruneReport | null;
}

export interface PruneReport {
  packs_before: number;
  packs_deleted: number;
  packs_repacked: number;
  packs_written: number;
  bytes_freed: number;
  blobs_kept: number;
  blobs_removed: number;
  dry_run: boolean;
  /** Snapshot files that are damaged: left out, so data only they used counts as unused. */
  damaged_snapshots: string[];
}
