/**
 * The order of stored records: by id — numbers numerically, before strings, and strings by their
 * UTF-8 bytes — and, for a child endpoint, then by the parent's id, so that a child id that is
 * only unique within its parent still names one record.
 */

export type RecordId = string | number;

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
  if (typeof a === 'number') {
    if (typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    return -1;
  }
  if (typeof b === 'number') return 1;
  return compareUtf8(a, b);
}

export function compareKeys(a: RecordKey, b: RecordKey): number {
  const byId = compareIds(a.id, b.id);
  if (byId !== 0) return byId;
  if (a.parent === undefined) return b.parent === undefined ? 0 : -1;
  if (b.parent === undefined) return 1;
  return compareIds(a.parent, b.parent);
}

/** An id as stored: ids must be strings or finite numbers. */
export function asRecordId(value: unknown): RecordId | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/** A key as one line of text (`[id]` or `[id,parent]`), as sort runs keep it beside a record. */
export function keyText(key: RecordKey): string {
  return JSON.stringify(key.parent === undefined ? [key.id] : [key.id, key.parent]);
}

export function parseKeyText(text: string): RecordKey {
  const [id, parent] = JSON.parse(text) as [RecordId, RecordId?];
  return parent === undefined ? { id } : { id, parent };
}
