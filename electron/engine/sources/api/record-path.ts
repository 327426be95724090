/**
 * Record paths of the source-definition format: where records, ids, cursors and `next` URLs sit
 * in a response. Syntax: dot-separated keys and array indexes — `data.items`, `results[0].id`,
 * `data[-1].id` (negative indexes count from the end) — with keys holding dots or other
 * punctuation in brackets and quotes: `["@odata.nextLink"]`, `meta["after.cursor"]`.
 * `$` alone is the whole body.
 */

export type PathSegment = string | number;

export class RecordPathError extends Error {}

/** Parses a path once, so a typo is reported when the definition is loaded, not mid-backup. */
export function parseRecordPath(path: string): PathSegment[] {
  if (path === '$') return [];
  const segments: PathSegment[] = [];
  let i = path.startsWith('$.') || path.startsWith('$[') ? 1 : 0;
  let expectSeparator = false;
  const fail = (why: string): never => {
    throw new RecordPathError(`invalid path ${JSON.stringify(path)}: ${why} at position ${i}`);
  };
  if (path.length === 0) fail('empty path');
  while (i < path.length) {
    const c = path[i];
    if (c === '[') {
      i++;
      if (path[i] === '"' || path[i] === "'") {
        const [key, end] = readQuoted(path, i, fail);
        segments.push(key);
        i = end;
      } else {
        const match = /^-?\d+/.exec(path.slice(i));
        if (!match) fail('expected an index or a quoted key');
        segments.push(Number(match![0]));
        i += match![0].length;
      }
      if (path[i] !== ']') fail('expected "]"');
      i++;
      expectSeparator = true;
    } else if (c === '.') {
      if (!expectSeparator) fail('unexpected "."');
      i++;
      expectSeparator = false;
      if (i >= path.length) fail('path ends with "."');
      if (path[i] === '[' || path[i] === '.') fail('expected a key after "."');
    } else {
      if (expectSeparator) fail('expected "." or "["');
      const match = /^[^.[\]"']+/.exec(path.slice(i));
      if (!match) fail(`unexpected ${JSON.stringify(c)}`);
      segments.push(match![0]);
      i += match![0].length;
      expectSeparator = true;
    }
  }
  return segments;
}

function readQuoted(
  path: string,
  start: number,
  fail: (why: string) => never,
): [key: string, end: number] {
  const quote = path[start];
  let key = '';
  let i = start + 1;
  while (i < path.length && path[i] !== quote) {
    if (path[i] === '\\') i++;
    if (i >= path.length) break;
    key += path[i];
    i++;
  }
  if (i >= path.length) fail('unterminated quoted key');
  return [key, i + 1];
}

/** The value at a parsed path, or undefined where the response has no such value. */
export function getAtPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment < 0 ? current.length + segment : segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) {
        return undefined;
      }
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** A compiled path with its source text, for messages. */
export interface RecordPath {
  readonly text: string;
  get(value: unknown): unknown;
}

export function compileRecordPath(text: string): RecordPath {
  const segments = parseRecordPath(text);
  return { text, get: (value) => getAtPath(value, segments) };
}
