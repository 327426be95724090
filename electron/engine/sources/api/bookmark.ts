/**
 * Incremental bookmarks: the greatest cursor-field value fetched. Values compare as numbers when
 * both are numbers (exactly, however many digits), otherwise as strings (ISO 8601 timestamps
 * sort correctly as strings). A number JavaScript cannot hold exactly is a JsonNumber, sent to
 * the API as the very text it came in, and stored in metadata as `{"$number": "<text>"}`.
 */
import { compareNumbers, fromTaggedNumber, isNumeric, JsonNumber } from './json-number.js';

export type Bookmark = string | number | JsonNumber;

export function asBookmark(value: unknown): Bookmark | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.length > 0) return value;
  if (value instanceof JsonNumber) return value;
  return undefined;
}

/** A bookmark as read back from stored metadata (where a JsonNumber is tagged). */
export function readBookmark(value: unknown): Bookmark | null {
  return asBookmark(value) ?? fromTaggedNumber(value) ?? null;
}

export function laterBookmark(
  a: Bookmark | null | undefined,
  b: Bookmark | null | undefined,
): Bookmark | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(b, a) > 0 ? b : a;
  return String(b) > String(a) ? b : a;
}
