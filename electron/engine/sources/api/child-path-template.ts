/**
 * Child endpoints: a part of an endpoint's path in braces names a field of a parent endpoint's
 * records — `/projects/{projects.id}/comments` — and the endpoint is fetched once per parent
 * record, with the field's value URL-encoded into the path.
 */
import { JsonNumber } from './json-number.js';
import { compileRecordPath, type RecordPath } from './record-path.js';

export interface ChildPathTemplate {
  /** The parent endpoint's name. */
  parent: string;
  /** Literal text and field references, in order. */
  parts: Array<string | RecordPath>;
}

const BRACES = /\{([^{}]+)\}/g;

/**
 * Reads the braces of `path`; null when the endpoint is not a child. `endpointNames` lets a
 * name that itself holds dots (`v2.projects`) be recognised by its longest match.
 */
export function parseChildPathTemplate(
  path: string,
  endpointNames: readonly string[],
): ChildPathTemplate | null {
  const parts: Array<string | RecordPath> = [];
  let parent: string | null = null;
  let last = 0;
  for (const match of path.matchAll(BRACES)) {
    const reference = match[1]!;
    const name = [...endpointNames]
      .filter((n) => reference.startsWith(`${n}.`) || reference.startsWith(`${n}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (name === undefined) {
      throw new Error(
        `{${reference}} in path ${JSON.stringify(path)} does not name a field of another endpoint (expected {endpoint.field})`,
      );
    }
    if (parent !== null && parent !== name) {
      throw new Error(`path ${JSON.stringify(path)} refers to two parent endpoints`);
    }
    parent = name;
    parts.push(path.slice(last, match.index));
    const fieldPath = reference.slice(name.length).replace(/^\./, '');
    parts.push(compileRecordPath(fieldPath));
    last = match.index + match[0].length;
  }
  if (parent === null) return null;
  parts.push(path.slice(last));
  return { parent, parts };
}

/** The path for one parent record, or null when the record lacks a referenced field. */
export function expandChildPath(template: ChildPathTemplate, parentRecord: unknown): string | null {
  let out = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = part.get(parentRecord);
    if (value instanceof JsonNumber) out += encodeURIComponent(value.text);
    else if (value === undefined || value === null || typeof value === 'object') return null;
    else out += encodeURIComponent(String(value));
  }
  return out;
}
