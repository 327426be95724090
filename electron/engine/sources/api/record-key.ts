/**
 * The order of stored records: by id — numbers numerically (exactly, ids beyond 2^53 included),
 * before strings, and strings by their UTF-8 bytes — and, for a child endpoint, then by the
 * parent's id, so that a child id that is only unique within its parent still names one record.
 */
import { canonicalJson } from './canonical-json.js';
import { compareNumbers, JsonNumber } from './json-number.js';
import { parseJson } from './parse-json.js';

/** A JsonNumber is an id that a JavaScript number cannot hold exactly (see json-number.ts). */
export type RecordId = string | number | JsonNumber;

export interface RecordKey {
  id: RecordId;
  /** The parent record's id, for child endpoints. */
  parent?: RecordId;
}

/** Orders strings by their UTF-8 bytes without encoding them: that is code point order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (astral code points) below U+E000–U+FFFF; UTF-8 puts them above.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

export function compareIds(a: RecordId, b: RecordId): number {
  if (typeof a === 'string') return typeof b === 'string' ? compareUtf8(a, b) : 1;
  if (typeof b === 'string') return -1;
  return compareNumbers(a, b);
}

export function compareKeys(a: RecordKey, b: RecordKey): number {
  const byId = compareIds(a.id, b.id);
  if (byId !== 0) return byId;
  if (a.parent === undefined) return b.parent === undefined ? 0 : -1;
  if (b.parent === undefined) return 1;
  return compareIds(a.parent, b.parent);
}

/** An id as stored: ids must be strings or numbers. */
export function asRecordId(value: unknown): RecordId | undefined {
  if (typeof value === 'string' || value instanceof JsonNumber) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/** A key as one line of text (`[id]` or `[id,parent]`), as sort runs keep it beside a record. */
export function keyText(key: RecordKey): string {
  const ids = key.parent === undefined ? [key.id] : [key.id, key.parent];
  return key.id instanceof JsonNumber || key.parent instanceof JsonNumber
    ? canonicalJson(ids)
    : JSON.stringify(ids);
}

export function parseKeyText(text: string): RecordKey {
  const [id, parent] = parseJson(text) as [RecordId, RecordId?];
  return parent === undefined ? { id } : { id, parent };
}
