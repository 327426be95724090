/**
 * The records added, removed and changed in one endpoint file between two snapshots: the
 * stretches where the files differ (endpoint-stretches.ts) are merged by id, side A against
 * side B; a record on both sides with a different line is changed.
 */
import { errorMessage } from '../errors.js';
import { compareKeys, type RecordKey } from '../sources/api/record-key.js';
import type { RecordPath } from '../sources/api/record-path.js';
import { throwIfCancelled } from '../util/cancel.js';
import type { DiffReader } from './diff-reader.js';
import type { EndpointDiff, RecordRef } from './diff-report.js';
import { differingStretches, pieceBytes, type Piece } from './endpoint-stretches.js';
import { endpointIdPath, RecordCursor, UnreadableRecords } from './record-cursor.js';
import type { EndpointPair } from './tree-diff.js';

export async function diffEndpoint(
  pair: EndpointPair,
  reader: DiffReader,
  signal: AbortSignal | undefined,
): Promise<EndpointDiff> {
  const out: EndpointDiff = {
    source: pair.source,
    endpoint: pair.endpoint,
    path: pair.path,
    added: [],
    removed: [],
    changed: [],
  };
  try {
    const idPath = await endpointIdPath([pair.metaB, pair.metaA], reader);
    const a = pair.a?.content ?? [];
    const b = pair.b?.content ?? [];
    for await (const stretch of differingStretches(a, b, reader)) {
      throwIfCancelled(signal);
      await mergeStretch(stretch.a, stretch.b, idPath, reader, out, signal);
    }
  } catch (err) {
    if (!(err instanceof UnreadableRecords)) throw err;
    out.added = [];
    out.removed = [];
    out.changed = [];
    out.error = `cannot compare the records of ${pair.path}: ${errorMessage(err)}`;
  }
  return out;
}

async function mergeStretch(
  piecesA: Piece[],
  piecesB: Piece[],
  idPath: RecordPath,
  reader: DiffReader,
  out: EndpointDiff,
  signal: AbortSignal | undefined,
): Promise<void> {
  const a = new RecordCursor(pieceBytes(piecesA, reader), idPath);
  const b = new RecordCursor(pieceBytes(piecesB, reader), idPath);
  try {
    let hasA = await a.next();
    let hasB = await b.next();
    let steps = 0;
    while (hasA || hasB) {
      if ((++steps & 0xfff) === 0) throwIfCancelled(signal);
      // Most lines of a stretch are the same on both sides, in step: no need to parse them.
      if (hasA && hasB && a.line === b.line) {
        hasA = await a.next();
        hasB = await b.next();
        continue;
      }
      const order = !hasB ? -1 : !hasA ? 1 : compareKeys(a.key(), b.key());
      if (order < 0) {
        out.removed.push(ref(a.key()));
        hasA = await a.next();
      } else if (order > 0) {
        out.added.push(ref(b.key()));
        hasB = await b.next();
      } else {
        out.changed.push(ref(a.key()));
        hasA = await a.next();
        hasB = await b.next();
      }
    }
  } finally {
    await a.close();
    await b.close();
  }
}

function ref(key: RecordKey): RecordRef {
  return key.parent === undefined ? { id: key.id } : { id: key.id, parent: key.parent };
}
