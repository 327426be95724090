/**
 * `diff`: what changed between two snapshots (README.md, `diff`).
 *
 * The algorithm compares ids before contents, so its cost follows the size of the change, not of
 * the snapshots:
 * 1. Trees (tree-diff.ts): a folder whose subtree id is the same in both is skipped unread; a
 *    file whose list of chunk ids is the same is unchanged; no file content is read.
 * 2. API endpoint files that differ (record-diff.ts): their chunk lists are aligned and only the
 *    stretches between shared chunks, with the chunks at their edges, are read and merged by id
 *    (endpoint-stretches.ts).
 * 3. `record`: one record looked up by binary search in each side's file and compared field by
 *    field (record-compare.ts); nothing else is compared.
 * Every read is counted (diff-reader.ts) and reported as `bytes_read`.
 */
import type { Snapshot } from '../../../shared/domain.js';
import type { Repository } from '../repository/repository.js';
import type { JobControl } from '../operation-types.js';
import { findSnapshot } from '../snapshots/snapshot-store.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { DiffReader } from './diff-reader.js';
import type { DiffRequest, DiffResult, SnapshotSide } from './diff-report.js';
import { compareRecord } from './record-compare.js';
import { diffEndpoint } from './record-diff.js';
import { emptySummary, TreeDiff } from './tree-diff.js';

export async function diffSnapshots(
  repo: Repository,
  request: DiffRequest,
  control: JobControl = {},
): Promise<DiffResult> {
  // Snapshots first, index second: a backup finishing in between has written its index first.
  const a = await findSnapshot(repo, request.snapshotA);
  const b = await findSnapshot(repo, request.snapshotB);
  await repo.loadIndex();
  const meter = new ProgressMeter('diff', control.onProgress, control.progressIntervalMs);
  const reader = new DiffReader(repo, meter, control.signal);
  const apiSources = new Set(
    [...a.sources, ...b.sources].flatMap((s) => (s.kind === 'api' ? [s.source] : [])),
  );
  const summary = emptySummary();
  const result: DiffResult = {
    snapshot_a: side(a),
    snapshot_b: side(b),
    entries: [],
    endpoints: [],
    summary,
    bytes_read: 0,
  };
  if (request.record !== undefined) {
    result.records = await compareRecord(
      request.record,
      { a: a.tree, b: b.tree },
      apiSources,
      reader,
    );
  } else {
    const trees = new TreeDiff(reader, apiSources, summary, meter);
    await trees.compare(a.tree, b.tree);
    result.entries = trees.entries;
    for (const pair of trees.endpoints) {
      meter.current = pair.path;
      const endpoint = await diffEndpoint(pair, reader, control.signal);
      summary.records_added += endpoint.added.length;
      summary.records_removed += endpoint.removed.length;
      summary.records_changed += endpoint.changed.length;
      if (
        endpoint.error ||
        endpoint.added.length ||
        endpoint.removed.length ||
        endpoint.changed.length
      )
        result.endpoints.push(endpoint);
    }
  }
  result.bytes_read = reader.bytesRead;
  meter.emit(true);
  return result;
}

function side(snapshot: Snapshot): SnapshotSide {
  return { id: snapshot.id, short_id: snapshot.short_id, time: snapshot.time };
}
