/**
 * The engine's diff result as the Compare view gets it: record ids and field values as text
 * (they may be JsonNumbers, which neither IPC nor JSON carries as the number the API wrote),
 * and at most `maxEntries` entries — the summary still counts them all.
 */
import type {
  ComparedField,
  ComparedRecordRef,
  SnapshotComparison,
} from '../../shared/comparison.js';
import type { DiffResult, FieldChange, RecordRef } from '../engine/service-types.js';

export const maxEntries = 5000;

export function toComparison(result: DiffResult): SnapshotComparison {
  return {
    snapshot_a: result.snapshot_a,
    snapshot_b: result.snapshot_b,
    entries: result.entries
      .slice(0, maxEntries)
      .map(({ path, change, changed, before, after }) => ({
        path,
        change,
        changed,
        before,
        after,
      })),
    entries_truncated: result.entries.length > maxEntries,
    endpoints: result.endpoints.map((e) => ({
      source: e.source,
      endpoint: e.endpoint,
      path: e.path,
      added: e.added.map(toRef),
      removed: e.removed.map(toRef),
      changed: e.changed.map(toRef),
      ...(e.error !== undefined ? { error: e.error } : {}),
    })),
    summary: result.summary,
    ...(result.records
      ? {
          records: result.records.map((r) => ({
            ...toRef(r),
            source: r.source,
            endpoint: r.endpoint,
            status: r.status,
            fields: r.fields.map(toField),
          })),
        }
      : {}),
  };
}

function toRef(ref: RecordRef): ComparedRecordRef {
  return ref.parent === undefined
    ? { id: String(ref.id) }
    : { id: String(ref.id), parent: String(ref.parent) };
}

function toField(field: FieldChange): ComparedField {
  return {
    path: field.path,
    change: field.change,
    ...('before' in field ? { before: jsonText(field.before) } : {}),
    ...('after' in field ? { after: jsonText(field.after) } : {}),
  };
}

/**
 * JSON text with exact numbers: a JsonNumber (an object with `text` whose toJSON gives
 * `{ $number }`) is written as its own digits, not as that tag.
 */
export function jsonText(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const original = (this as Record<string, unknown>)[key];
    if (isExactNumber(original)) {
      marks.push(original.text);
      return `\u0000${marks.length - 1}\u0000`;
    }
    return v;
  });
  if (text === undefined) return 'undefined';
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)] ?? '');
}

function isExactNumber(value: unknown): value is { text: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    value.constructor.name === 'JsonNumber' &&
    typeof (value as { text?: unknown }).text === 'string'
  );
}
