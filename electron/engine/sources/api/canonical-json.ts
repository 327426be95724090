/**
 * Canonical JSON (RFC 8785, JCS): object keys sorted by their UTF-16 code units, no whitespace,
 * numbers as ECMAScript serializes them, strings escaped as JSON.stringify does. Identical records
 * therefore give identical bytes, which is what lets unchanged records deduplicate across
 * snapshots and lets two snapshots be compared line by line.
 */

export function canonicalJson(value: unknown): string {
  const text = build(value);
  // Built by concatenation, the string is a rope of many small pieces (~1.2 KB of heap for a
  // 160-byte record); reading a character makes V8 flatten it (~190 bytes). Records wait in
  // the sorter by the ten thousand, so this is what keeps its memory bound honest.
  text.charCodeAt(0);
  return text;
}

function build(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonical JSON cannot hold NaN or Infinity');
    }
    // JSON.stringify already is the RFC 8785 form of numbers, strings and literals.
    return JSON.stringify(value) ?? 'null';
  }
  // Plain loops and string concatenation: this runs for every field of every record.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined ? 'null' : build(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, the order RFC 8785 prescribes.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${build(item)}`;
  }
  return `${out}}`;
}
