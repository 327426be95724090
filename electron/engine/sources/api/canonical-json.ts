/**
 * Canonical JSON (RFC 8785, JCS): object keys sorted by their UTF-16 code units, no whitespace,
 * numbers as ECMAScript serializes them, strings escaped as JSON.stringify does. Identical records
 * therefore give identical bytes, which is what lets unchanged records deduplicate across
 * snapshots and lets two snapshots be compared line by line.
 */

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonical JSON cannot hold NaN or Infinity');
    }
    // JSON.stringify already is the RFC 8785 form of numbers, strings and literals.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, the order RFC 8785 prescribes.
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}
