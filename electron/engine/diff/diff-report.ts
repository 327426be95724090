/**
 * What `diff` reports (the CLI's `--json` document, snake_case like every `--json` output): the entries
 * added, removed and changed between two snapshots, per API endpoint the records added, removed
 * and changed, or, for one chosen record, its field-level changes; and how many bytes of the
 * repository were read to find out.
 */
import type { ComparisonSummary } from '../../../shared/comparison.js';
import type { NodeType } from '../../../shared/domain.js';
import type { RecordId } from '../sources/api/record-key.js';

export interface DiffRequest {
  /** The older side: an id, a unique id prefix or `latest`. */
  snapshotA: string;
  snapshotB: string;
  /**
   * `ENDPOINT/ID` or `SOURCE/ENDPOINT/ID`: compare only this record, field by field. A numeric
   * ID matches a record whose id is that number or that string.
   */
  record?: string;
}

export interface SnapshotSide {
  id: string;
  short_id: string;
  time: string;
}

/**
 * `modified`: the content (or a symlink's target) differs; `type`: a file became a folder, a
 * link, …; `metadata`: only mode, mtime or owner differ.
 */
export type EntryChangeKind = 'added' | 'removed' | 'modified' | 'type' | 'metadata';

/** An entry as `diff` shows it (one side). */
export interface EntryState {
  type: NodeType;
  /** Bytes of content (files); 0 for the others. */
  size: number;
  mode: number;
  /** RFC 3339, to the nanosecond the snapshot holds. */
  mtime: string;
  uid?: number;
  gid?: number;
  link_target?: string;
}

export interface EntryChange {
  path: string;
  change: EntryChangeKind;
  /** What differs: 'content', 'type', 'link_target', 'mode', 'mtime', 'owner'. */
  changed: string[];
  before: EntryState | null;
  after: EntryState | null;
}

export interface RecordRef {
  id: RecordId;
  /** The parent record's id, for child endpoints. */
  parent?: RecordId;
}

/** The records of one endpoint file whose content differs between the two snapshots. */
export interface EndpointDiff {
  source: string;
  endpoint: string;
  path: string;
  added: RecordRef[];
  removed: RecordRef[];
  changed: RecordRef[];
  /** Set when the records could not be compared (then the lists are empty). */
  error?: string;
}

export type FieldChangeKind = 'added' | 'removed' | 'changed';

export interface FieldChange {
  /** In the source-definition path syntax: `title`, `owner.name`, `tags[2]`, `["a.b"]`. */
  path: string;
  change: FieldChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface RecordComparison extends RecordRef {
  source: string;
  endpoint: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  fields: FieldChange[];
}

/** The counts, as the app's Compare view shows them too (shared/comparison.ts). */
export type DiffSummary = ComparisonSummary;

export interface DiffResult {
  snapshot_a: SnapshotSide;
  snapshot_b: SnapshotSide;
  /** Every entry that differs, in tree order (a folder before what it holds). */
  entries: EntryChange[];
  /** Endpoints whose records differ. */
  endpoints: EndpointDiff[];
  summary: DiffSummary;
  /** With `record`: the record(s) with that id (one per parent for child endpoints). */
  records?: RecordComparison[];
  /**
   * Stored (compressed, sealed) bytes of the trees and chunks read to compare; the snapshot
   * list and the index, which every command loads first, are not counted.
   */
  bytes_read: number;
}
