/**
 * A snapshot record written straight into a repository, for tests that need a snapshot of a
 * given shape (a hostile tree, a history of dates) rather than one made by a backup.
 */
import type { Repository } from '../../electron/engine/repository/repository.js';
import {
  saveSnapshot,
  type StoredSnapshot,
} from '../../electron/engine/snapshots/snapshot-store.js';
import type { Snapshot } from '../../shared/domain.js';

export function craftSnapshot(
  repo: Repository,
  fields: Partial<StoredSnapshot> & Pick<StoredSnapshot, 'tree'>,
): Promise<Snapshot> {
  return saveSnapshot(repo, {
    time: new Date().toISOString(),
    hostname: 'h',
    username: 'u',
    group: 'crafted',
    paths: [],
    sources: [],
    tags: [],
    parent: null,
    incomplete: false,
    incomplete_reasons: [],
    stats: {
      files_new: 0,
      files_changed: 0,
      files_unchanged: 0,
      dirs: 0,
      bytes_processed: 0,
      blobs_added: 0,
      bytes_added: 0,
      bytes_added_raw: 0,
      duration_ms: 0,
    },
    program_version: 'test',
    ...fields,
  });
}
