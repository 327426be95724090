/**
 * Domain types shared by the engine, the CLI's --json output, the IPC contract and the UI.
 * Plain data only: this file imports nothing, so every side can use it. Keys are snake_case
 * because these are also the CLI's JSON contract (the CLI's JSON and argument contract, README.md).
 */

/**
 * Every kind of error the engine reports (engine/errors.ts gives each its exit code). The IPC
 * contract's error kinds are these and the few the hosts add (ContractErrorKind).
 */
export type ErrorKind =
  | 'failure'
  | 'incomplete'
  | 'repository-not-found'
  | 'repository-locked'
  | 'wrong-password'
  | 'repository-exists'
  | 'format-too-new'
  | 'target-unreachable'
  | 'invalid-argument'
  | 'snapshot-not-found'
  | 'path-not-found'
  | 'corrupt'
  | 'read-only'
  | 'disk-full'
  | 'cancelled'
  | 'host-key-unknown';

/** What a restore does with a file already at the target: the CLI's --overwrite values too. */
export const OVERWRITE_POLICIES = ['skip', 'always', 'rename'] as const;
export type OverwritePolicy = (typeof OVERWRITE_POLICIES)[number];

export interface SnapshotStats {
  files_new: number;
  files_changed: number;
  files_unchanged: number;
  dirs: number;
  /** Bytes of file and record content in this snapshot: read, or reused for unchanged files. */
  bytes_processed: number;
  /** Of those, the bytes actually read (new and changed files, fetched records). Absent in
   * snapshots written before Cairn counted it. */
  bytes_read?: number;
  /** Blobs and bytes this snapshot added to the repository (after compression). */
  blobs_added: number;
  bytes_added: number;
  /** Same, before compression. */
  bytes_added_raw: number;
  duration_ms: number;
}

export type SourceRef =
  { kind: 'folder'; path: string; name: string } | { kind: 'api'; source: string; name: string };

export interface Snapshot {
  id: string;
  short_id: string;
  time: string;
  hostname: string;
  username: string;
  group: string;
  paths: string[];
  sources: SourceRef[];
  tags: string[];
  parent: string | null;
  tree: string;
  incomplete: boolean;
  incomplete_reasons: string[];
  stats: SnapshotStats;
  program_version: string;
  /** Source-specific state carried from run to run (API bookmarks, run counters). */
  meta?: Record<string, unknown>;
  /** For a snapshot `cairn repair snapshots` wrote: the id of the damaged one it replaces. */
  original?: string;
}

export type NodeType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'chardev' | 'blockdev';

/** One entry of `ls`: a path in the snapshot's restore layout. */
export interface ListEntry {
  path: string;
  name: string;
  type: NodeType;
  size: number;
  mode: number;
  mtime: string;
  link_target?: string;
}

export interface BackupWarning {
  path: string;
  message: string;
  /**
   * Something worth knowing that left nothing out of what was asked for (a parent record with no
   * value for a child endpoint's path: it has no children to fetch); absent for real problems.
   */
  note?: true;
}

export type JobPhase =
  'scanning' | 'backup' | 'restore' | 'check' | 'prune' | 'diff' | 'export' | 'copy' | 'finishing';

export interface JobProgress {
  phase: JobPhase;
  files_done: number;
  files_total: number | null;
  bytes_done: number;
  bytes_total: number | null;
  /** Bytes per second, smoothed. */
  rate: number;
  /** Seconds left, when the total is known. */
  eta_s: number | null;
  current: string | null;
}
