/**
 * Reads stored records (canonical JSON lines sorted by id) one at a time with their keys, from
 * any byte stream of whole lines, checking that they come in order. Lines are compared as text
 * (the canonical form is exact); the parsed record is only used for its key.
 */
import type { TreeNode } from '../format/tree.js';
import { readLineBatches } from '../sources/api/ndjson-lines.js';
import { parseJson } from '../sources/api/parse-json.js';
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
  /** The current line; undefined before the first `next()` and at the end. */
  line: string | undefined;
  private parsedKey: RecordKey | undefined;
  /** The last key parsed: keys are parsed only where needed, and checked in order then. */
  private lastKey: RecordKey | undefined;
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
    this.parsedKey = undefined;
    while (this.at >= this.batch.length) {
      const more = await this.batches.next();
      if (more.done) {
        this.line = undefined;
        return false;
      }
      this.batch = more.value;
      this.at = 0;
    }
    this.line = this.batch[this.at++]!;
    return true;
  }

  /** The current record's key, parsed on first use. */
  key(): RecordKey {
    if (this.parsedKey) return this.parsedKey;
    const key = keyOf(this.line!, this.idPath);
    if (this.lastKey && compareKeys(this.lastKey, key) >= 0)
      throw new UnreadableRecords('its records are not in id order');
    this.lastKey = key;
    this.parsedKey = key;
    return key;
  }

  get current(): KeyedLine {
    return { key: this.key(), line: this.line! };
  }

  /** Stops reading (no more chunks are loaded). */
  async close(): Promise<void> {
    await this.batches.return?.();
  }
}

export function keyOf(line: string, idPath: RecordPath): RecordKey {
  let record: unknown;
  try {
    record = parseJson(line);
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
