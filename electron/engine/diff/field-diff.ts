/**
 * Field-level changes between two versions of a record: objects are compared key by key and
 * arrays index by index, down to the values that differ. Paths use the source-definition syntax
 * (`owner.name`, `tags[2]`, `["@odata.type"]`), so a path shown here can be pasted into a
 * definition.
 */
import { canonicalJson } from '../sources/api/canonical-json.js';
import { JsonNumber } from '../sources/api/json-number.js';
import type { FieldChange } from './diff-report.js';

export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, '', out);
  return out;
}

function walk(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const child = joinKey(path, key);
      if (!Object.hasOwn(after, key))
        out.push({ path: child, change: 'removed', before: before[key] });
      else if (!Object.hasOwn(before, key))
        out.push({ path: child, change: 'added', after: after[key] });
      else walk(before[key], after[key], child, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const child = `${path}[${i}]`;
      if (i >= after.length) out.push({ path: child, change: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: child, change: 'added', after: after[i] });
      else walk(before[i], after[i], child, out);
    }
    return;
  }
  if (canonicalJson(before) !== canonicalJson(after))
    out.push({ path: path || '$', change: 'changed', before, after });
}

function isObject(value: unknown): value is Record<string, unknown> {
  // A JsonNumber is a number (compared by canonicalJson below), not an object with fields.
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof JsonNumber)
  );
}

function joinKey(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}
