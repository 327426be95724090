/**
 * Incremental bookmarks: the greatest cursor-field value fetched. Values compare as numbers when
 * both are numbers, otherwise as strings (ISO 8601 timestamps sort correctly as strings).
 */

export type Bookmark = string | number;

export function asBookmark(value: unknown): Bookmark | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.length > 0) return value;
  return undefined;
}

export function laterBookmark(
  a: Bookmark | null | undefined,
  b: Bookmark | null | undefined,
): Bookmark | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  if (typeof a === 'number' && typeof b === 'number') return b > a ? b : a;
  return String(b) > String(a) ? b : a;
}
