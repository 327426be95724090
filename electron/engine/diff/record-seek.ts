/**
 * Finds the records with one id in a stored endpoint file without reading all of it. The file
 * is sorted by id, so a binary search over its chunks finds where to start: for a chunk, the
 * first line that starts in it (after its first newline) tells the id there. Then lines are read
 * from that point until the ids pass the one sought. A search loads about log2(chunks) chunks.
 */
import { compareIds, type RecordId } from '../sources/api/record-key.js';
import type { RecordPath } from '../sources/api/record-path.js';
import type { DiffReader } from './diff-reader.js';
import { pieceBytes, type Piece } from './endpoint-stretches.js';
import { keyOf, RecordCursor, type KeyedLine } from './record-cursor.js';

const NEWLINE = 0x0a;

interface LineStart {
  chunk: number;
  offset: number;
}

export async function findRecords(
  content: readonly string[],
  id: RecordId,
  idPath: RecordPath,
  reader: DiffReader,
): Promise<KeyedLine[]> {
  if (content.length === 0) return [];
  // The last chunk whose first line has an id below the one sought: its records start before.
  let lo = 0;
  let hi = content.length - 1;
  let start: LineStart = { chunk: 0, offset: 0 };
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = mid === 0 ? { chunk: 0, offset: 0 } : await lineStartFrom(content, mid, reader);
    const key = at && keyOf(await lineAt(content, at, reader), idPath);
    if (at && key && compareIds(key.id, id) < 0) {
      start = at;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const pieces: Piece[] = [
    { id: content[start.chunk]!, from: start.offset },
    ...content.slice(start.chunk + 1).map((chunk) => ({ id: chunk, from: 0 })),
  ];
  const cursor = new RecordCursor(pieceBytes(pieces, reader), idPath);
  const found: KeyedLine[] = [];
  try {
    while (await cursor.next()) {
      const order = compareIds(cursor.key().id, id);
      if (order > 0) break;
      if (order === 0) found.push(cursor.current);
    }
  } finally {
    await cursor.close();
  }
  return found;
}

/** Where the first line that starts after the beginning of chunk `k` starts; undefined at the end. */
async function lineStartFrom(
  content: readonly string[],
  k: number,
  reader: DiffReader,
): Promise<LineStart | undefined> {
  for (let chunk = k; chunk < content.length; chunk++) {
    const data = await reader.blob(content[chunk]!);
    const at = data.indexOf(NEWLINE);
    if (at < 0) continue;
    if (at + 1 < data.length) return { chunk, offset: at + 1 };
    return chunk + 1 < content.length ? { chunk: chunk + 1, offset: 0 } : undefined;
  }
  return undefined;
}

async function lineAt(
  content: readonly string[],
  start: LineStart,
  reader: DiffReader,
): Promise<string> {
  const parts: Buffer[] = [];
  for (let chunk = start.chunk; chunk < content.length; chunk++) {
    const data = await reader.blob(content[chunk]!);
    const from = chunk === start.chunk ? start.offset : 0;
    const end = data.indexOf(NEWLINE, from);
    parts.push(data.subarray(from, end < 0 ? data.length : end));
    if (end >= 0) break;
  }
  return Buffer.concat(parts).toString('utf8');
}
