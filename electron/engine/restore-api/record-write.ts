/**
 * One stored record as the write that restores it: its `$parent` and `refs` rewritten through
 * the id maps, `omit` fields and `$parent` dropped from the body, and the path template filled
 * from the rewritten record (`/projects/{project_id}/tasks`, `{$parent}` for a child's parent).
 */
import { canonicalJson } from '../sources/api/canonical-json.js';
import { JsonNumber } from '../sources/api/json-number.js';
import { parseJson } from '../sources/api/parse-json.js';
import { asRecordId, type RecordId } from '../sources/api/record-key.js';
import { PARENT_KEY } from '../sources/api/stored-records.js';
import { idText } from './record-selection.js';

export type IdLookup = (endpoint: string, oldId: RecordId) => RecordId | undefined;

export interface RecordWrite {
  body: Record<string, unknown>;
  /** The record after rewriting, `$parent` kept: path templates read from it. */
  fields: Record<string, unknown>;
}

/** Why a record cannot be written; it fails alone. */
export class RecordWriteError extends Error {}

export interface WriteRules {
  omit: readonly string[];
  refs: Readonly<Record<string, string>>;
  /** The endpoint whose records are this child endpoint's parents. */
  parentEndpoint: string | undefined;
}

export function recordWrite(line: string, rules: WriteRules, lookup: IdLookup): RecordWrite {
  const fields = parseJson(line) as Record<string, unknown>;
  const rewrite = (what: string, endpoint: string, value: RecordId) => {
    const mapped = lookup(endpoint, value);
    if (mapped === undefined)
      throw new RecordWriteError(
        `${what} ${idText(value)} points at ${endpoint} ${idText(value)}, which was not restored`,
      );
    return mapped;
  };
  const parent = asRecordId(fields[PARENT_KEY]);
  if (rules.parentEndpoint !== undefined && parent !== undefined)
    fields[PARENT_KEY] = rewrite('its parent', rules.parentEndpoint, parent);
  for (const [field, endpoint] of Object.entries(rules.refs)) {
    const value = asRecordId(getField(fields, field));
    if (value !== undefined) setField(fields, field, rewrite(field, endpoint, value));
  }
  const body = structuredCloneRecord(fields);
  delete body[PARENT_KEY];
  for (const field of rules.omit) deleteField(body, field);
  return { body, fields };
}

/** Fills `{field}` (dotted for nested fields, `{$parent}` for the parent's id), URL-encoded. */
export function fillPath(template: string, fields: Record<string, unknown>): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const value = name === PARENT_KEY ? fields[PARENT_KEY] : getField(fields, name);
    if (value instanceof JsonNumber) return encodeURIComponent(value.text);
    if (typeof value === 'string' || typeof value === 'number') return encodeURIComponent(value);
    throw new RecordWriteError(`the record has no ${name} for the path ${template}`);
  });
}

/** A short, one-line view of a body for the dry run: its first fields and its size. */
export function bodySummary(body: Record<string, unknown>): string {
  const text = canonicalJson(body);
  const size = Buffer.byteLength(text);
  const shown = text.length > 100 ? `${text.slice(0, 99)}…` : text;
  return `${shown} (${size} bytes)`;
}

export function getField(record: Record<string, unknown>, dotted: string): unknown {
  let current: unknown = record;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setField(record: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  const last = keys.pop()!;
  const holder = keys.length === 0 ? record : getField(record, keys.join('.'));
  if (holder !== null && typeof holder === 'object' && !Array.isArray(holder))
    (holder as Record<string, unknown>)[last] = value;
}

function deleteField(record: Record<string, unknown>, dotted: string): void {
  const keys = dotted.split('.');
  const last = keys.pop()!;
  const holder = keys.length === 0 ? record : getField(record, keys.join('.'));
  if (holder !== null && typeof holder === 'object' && !Array.isArray(holder))
    delete (holder as Record<string, unknown>)[last];
}

/** A copy deep enough that omitting nested fields leaves `fields` whole; JsonNumbers are kept. */
function structuredCloneRecord(record: Record<string, unknown>): Record<string, unknown> {
  const copy = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(copy);
    if (value !== null && typeof value === 'object' && !(value instanceof JsonNumber))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
    return value;
  };
  return copy(record) as Record<string, unknown>;
}
