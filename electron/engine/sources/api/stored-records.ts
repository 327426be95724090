/**
 * Records as stored in a snapshot's `<endpoint>.ndjson`: one canonical JSON object per line,
 * sorted by key. Reading them back gives each line untouched with its key.
 */
import type { SortedRecord } from './external-record-sorter.js';
import { readLines } from './ndjson-lines.js';
import { parseJson } from './parse-json.js';
import { asRecordId, compareKeys, type RecordKey } from './record-key.js';
import type { RecordPath } from './record-path.js';

export const PARENT_KEY = '$parent';

export function recordKeyOf(
  record: Record<string, unknown>,
  idPath: RecordPath,
): RecordKey | undefined {
  const id = asRecordId(idPath.get(record));
  if (id === undefined) return undefined;
  const parent = asRecordId(record[PARENT_KEY]);
  return parent === undefined ? { id } : { id, parent };
}

export async function* readStoredRecords(
  data: AsyncIterable<Uint8Array>,
  idPath: RecordPath,
): AsyncGenerator<SortedRecord> {
  let previous: RecordKey | undefined;
  for await (const line of readLines(data)) {
    const key = recordKeyOf(parseJson(line) as Record<string, unknown>, idPath);
    if (key === undefined) {
      throw new Error(`a stored record has no usable id at "${idPath.text}"`);
    }
    if (previous !== undefined && compareKeys(previous, key) >= 0) {
      throw new Error(
        'the previous snapshot\'s records are not in id order (was the endpoint\'s "id" changed?); a full sync (--full-sync) rebuilds them',
      );
    }
    previous = key;
    yield { key, line };
  }
}
