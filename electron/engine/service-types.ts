/**
 * The engine's public surface: what the CLI, the Electron IPC handlers and the web server call.
 * None of those three holds engine logic; each only parses, validates and prints.
 */
import type { BackupWarning, JobProgress, ListEntry, Snapshot } from '../../shared/domain.js';
import type { DiffRequest, DiffResult } from './diff/diff-report.js';
import type { ArchiveFormat, ExportRequest, ExportResult } from './export/export.js';
import type { PruneReport } from './prune/prune.js';
import type { RepairIndexReport } from './repair/repair-index.js';
import type { RepairSnapshotsReport } from './repair/repair-snapshots.js';
import type { RepositoryWarning } from './repository/damage.js';
import type { RetentionRules } from './retention/policy.js';
import type { ApiBackupRequest } from './sources/api/backup-api-source.js';
import type { FirstPageProbe } from './sources/api/probe-first-page.js';
import type { SourceDefinition } from './sources/api/source-definition.js';

export type {
  ArchiveFormat,
  ExportRequest,
  ExportResult,
  PruneReport,
  RepairIndexReport,
  RepairSnapshotsReport,
  RepositoryWarning,
  RetentionRules,
  SourceDefinition,
};
export type * from './diff/diff-report.js';

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

export type OverwritePolicy = 'skip' | 'always' | 'rename';

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

export interface RepositoryRef {
  /** Location string (SPEC §4). */
  location: string;
  password: string;
  /**
   * Read without a lock (restic's --no-lock), for a repository that cannot be written. Only
   * operations that read honour it; those that write refuse. Without it they read unlocked
   * anyway, saying so, when writing the lock fails because the repository is read-only.
   */
  noLock?: boolean;
}

export interface EngineService {
  initRepository(
    repo: RepositoryRef,
    options?: { copyChunkerParamsFrom?: RepositoryRef | undefined },
  ): Promise<{ id: string }>;
  listSnapshots(repo: RepositoryRef, control?: JobControl): Promise<Snapshot[]>;
  /** Children of PATH ('/' for the root) in a snapshot; `recursive` lists the whole subtree. */
  listTree(
    repo: RepositoryRef,
    snapshot: string,
    path: string,
    recursive?: boolean,
    control?: JobControl,
  ): Promise<ListEntry[]>;
  /** Reads up to `length` bytes of a file in a snapshot (previews). */
  readFile(
    repo: RepositoryRef,
    snapshot: string,
    path: string,
    range?: { offset: number; length: number },
  ): Promise<Buffer>;
  backup(repo: RepositoryRef, request: BackupRequest, control?: JobControl): Promise<BackupResult>;
  /** Backs up a REST API source (sources/api/backup-api-source.ts). */
  backupApi(
    repo: RepositoryRef,
    request: ApiBackupRequest,
    control?: JobControl,
  ): Promise<BackupResult>;
  /**
   * Resolves every secret reference of an API source (nothing is sent): fails naming the
   * variable, keychain entry or file that is missing, so a job can refuse to start.
   */
  checkApiSourceSecrets(definition: SourceDefinition): Promise<void>;
  /** Reads and validates an API source definition file; names the file and what is wrong. */
  loadApiSource(file: string): Promise<SourceDefinition>;
  /**
   * The secret a reference names (`keychain:ENTRY`, `env:NAME`, `file:PATH`); anything else is
   * refused, so a plan's configuration never holds a secret. Errors name the reference only.
   */
  resolveSecretReference(reference: string): Promise<string>;
  /** The "test request": each endpoint's first page; nothing is stored (probe-first-page.ts). */
  testApiSource(
    definition: SourceDefinition,
    options?: { endpoints?: string[]; sampleSize?: number },
  ): Promise<FirstPageProbe[]>;
  restore(
    repo: RepositoryRef,
    request: RestoreRequest,
    control?: JobControl,
  ): Promise<RestoreResult>;
  check(repo: RepositoryRef, request: CheckRequest, control?: JobControl): Promise<CheckReport>;
  /** What changed between two snapshots: entries, API records, or one record's fields (diff/). */
  diff(repo: RepositoryRef, request: DiffRequest, control?: JobControl): Promise<DiffResult>;
  /** A snapshot or a subtree as a zip or tar.gz archive, streamed (export/). */
  export(repo: RepositoryRef, request: ExportRequest, control?: JobControl): Promise<ExportResult>;
  forget(repo: RepositoryRef, request: ForgetRequest, control?: JobControl): Promise<ForgetResult>;
  prune(
    repo: RepositoryRef,
    request: { dryRun?: boolean },
    control?: JobControl,
  ): Promise<PruneReport>;
  /**
   * Rebuilds the index from the packs' own headers; with readData also salvages packs with
   * damaged blobs (repair/repair-index.ts).
   */
  repairIndex(
    repo: RepositoryRef,
    request: { dryRun?: boolean; readData?: boolean },
    control?: JobControl,
  ): Promise<RepairIndexReport>;
  /**
   * Removes damaged snapshot files and replaces snapshots that need missing data with repaired
   * ones without it (repair/repair-snapshots.ts).
   */
  repairSnapshots(
    repo: RepositoryRef,
    request: { dryRun?: boolean },
    control?: JobControl,
  ): Promise<RepairSnapshotsReport>;
}
