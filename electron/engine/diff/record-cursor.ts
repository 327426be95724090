/**
 * Reads stored records (canonical JSON lines sorted by id) one at a time with their keys, from
 * any byte stream of whole lines, checking that they come in order. Lines are compared as text
 * (the canonical form is exact); the parsed record is only used for its key.
 */
import type { TreeNode } from '../format/tree.js';
import { readLineBatches } from '../sources/api/ndjson-lines.js';
import { compareKeys, type RecordKey } from '../sources/api/record-key.js';
import { compileRecordPath, type RecordPath } from '../sources/api/record-path.js';
import { recordKeyOf } from '../sources/api/stored-records.js';
import type { DiffReader } from './diff-reader.js';
import { pieceBytes } from './endpoint-stretches.js';

export interface KeyedLine {
  key: RecordKey;
  line: string;
}

/** Why an endpoint's records cannot be compared; reported for that endpoint only. */
export class UnreadableRecords extends Error {}

export class RecordCursor {
  current: KeyedLine | undefined;
  private batch: string[] = [];
  private at = 0;
  private readonly batches: AsyncIterator<string[]>;

  constructor(
    bytes: AsyncIterable<Uint8Array>,
    private readonly idPath: RecordPath,
  ) {
    this.batches = readLineBatches(bytes)[Symbol.asyncIterator]();
  }

  /** Moves to the next record; false at the end. */
  async next(): Promise<boolean> {
    while (this.at >= this.batch.length) {
      const more = await this.batches.next();
      if (more.done) {
        this.current = undefined;
        return false;
      }
      this.batch = more.value;
      this.at = 0;
    }
    const line = this.batch[this.at++]!;
    const key = keyOf(line, this.idPath);
    if (this.current && compareKeys(this.current.key, key) >= 0)
      throw new UnreadableRecords('its records are not in id order');
    this.current = { key, line };
    return true;
  }

  /** Stops reading (no more chunks are loaded). */
  async close(): Promise<void> {
    await this.batches.return?.();
  }
}

export function keyOf(line: string, idPath: RecordPath): RecordKey {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    throw new UnreadableRecords('a stored line is not JSON');
  }
  const key =
    record !== null && typeof record === 'object' && !Array.isArray(record)
      ? recordKeyOf(record as Record<string, unknown>, idPath)
      : undefined;
  if (!key) throw new UnreadableRecords(`a record has no usable id at "${idPath.text}"`);
  return key;
}

/**
 * The path of the records' ids, from the `<endpoint>.meta.json` beside the file (the newer
 * side's first); `id`, the definition's default, for snapshots written before it was stored.
 */
export async function endpointIdPath(
  metas: Array<TreeNode | undefined>,
  reader: DiffReader,
): Promise<RecordPath> {
  for (const meta of metas) {
    if (!meta?.content) continue;
    const parts: Uint8Array[] = [];
    for await (const part of pieceBytes(
      meta.content.map((id) => ({ id, from: 0 })),
      reader,
    ))
      parts.push(part);
    try {
      const parsed = JSON.parse(Buffer.concat(parts).toString('utf8')) as { id_path?: unknown };
      if (typeof parsed.id_path === 'string') return compileRecordPath(parsed.id_path);
    } catch {
      // An unreadable meta file says nothing about ids; try the other side, then the default.
    }
  }
  return compileRecordPath('id');
}
