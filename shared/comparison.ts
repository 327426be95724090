/**
 * The Compare view's data: what changed between two snapshots, as the engine's `diff` reports
 * it (docs: `cairn diff --json`), with record ids and field values turned into display text so
 * they cross IPC and the WebSocket unchanged (ids beyond 2^53, `1.50` stay as the API wrote them).
 * Plain data only.
 */
import type { NodeType } from './domain.js';

export interface ComparedSnapshot {
  id: string;
  short_id: string;
  time: string;
}

export interface ComparedEntryState {
  type: NodeType;
  size: number;
  mode: number;
  mtime: string;
  link_target?: string;
}

export interface ComparedEntry {
  path: string;
  change: 'added' | 'removed' | 'modified' | 'type' | 'metadata';
  /** 'content', 'type', 'link_target', 'mode', 'mtime', 'owner'. */
  changed: string[];
  before: ComparedEntryState | null;
  after: ComparedEntryState | null;
}

export interface ComparedRecordRef {
  /** The id as the API wrote it. */
  id: string;
  parent?: string;
}

export interface ComparedEndpoint {
  source: string;
  endpoint: string;
  path: string;
  added: ComparedRecordRef[];
  removed: ComparedRecordRef[];
  changed: ComparedRecordRef[];
  error?: string;
}

export interface ComparedField {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** JSON text of the value on each side; absent where the field is absent. */
  before?: string;
  after?: string;
}

export interface ComparedRecord extends ComparedRecordRef {
  source: string;
  endpoint: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  fields: ComparedField[];
}

export interface ComparisonSummary {
  files_added: number;
  files_removed: number;
  files_modified: number;
  dirs_added: number;
  dirs_removed: number;
  /** Entries whose type changed (counted once, whatever the types). */
  type_changed: number;
  /** Entries of which only mode, mtime or owner changed. */
  metadata_changed: number;
  /** Content bytes of added and removed files. */
  bytes_added: number;
  bytes_removed: number;
  /** Sum of (size after − size before) over modified files. */
  bytes_modified_delta: number;
  records_added: number;
  records_removed: number;
  records_changed: number;
}

export interface SnapshotComparison {
  snapshot_a: ComparedSnapshot;
  snapshot_b: ComparedSnapshot;
  entries: ComparedEntry[];
  /** More entries differ than the view carries; the summary counts all of them. */
  entries_truncated: boolean;
  endpoints: ComparedEndpoint[];
  summary: ComparisonSummary;
  /** With a record asked for: that record's field changes (one per parent for child endpoints). */
  records?: ComparedRecord[];
}
