/**
 * Canonical JSON (RFC 8785, JCS): object keys sorted by their UTF-16 code units, no whitespace,
 * strings escaped as JSON.stringify does. Identical records therefore give identical bytes,
 * which is what lets unchanged records deduplicate across snapshots and lets two snapshots be
 * compared line by line. One departure from RFC 8785: numbers are written exactly as the API
 * wrote them (a JsonNumber's text; a plain number's text is what ECMAScript writes anyway), so
 * a backup never rounds an id beyond 2^53 or turns `1.50` into `1.5`.
 *
 * This runs for every record of every endpoint, so the usual case takes the fast road: copy the
 * record with its keys inserted in sorted order and let JSON.stringify (native code) write it.
 * Records of one endpoint mostly share their keys, so the sorted order of each set of keys seen
 * recently is kept (a shape), and recognising it again costs one pass over the keys. The fast
 * road only works where property order is insertion order; V8 lists integer-like keys ("9",
 * "10") first and numerically, and `__proto__` cannot be set as a plain key, so a record with
 * such a key is written field by field instead. JSON.stringify cannot write a number from its
 * text (Node 20 has no JSON.rawJSON), so in the copy a JsonNumber becomes a marker string that
 * no record holds (it carries a random part chosen when Cairn starts), and each marker in the
 * output is then replaced by the number's text.
 *
 * Nesting deeper than MAX_JSON_DEPTH is refused (JsonDepthError) rather than overflowing the stack.
 */
import { randomBytes } from 'node:crypto';
import { JsonNumber } from './json-number.js';
import { JsonDepthError, MAX_JSON_DEPTH } from './parse-json.js';

/** Returned by `sortedCopy` when the record needs the field-by-field writer. */
const NEEDS_WRITER = Symbol('needs the field-by-field writer');

/** Stands for the JsonNumber `numbers[i]` in the copy as `${NUMBER_MARK}${i}`. */
const NUMBER_MARK = `\u0000cairn-number-${randomBytes(9).toString('base64url')}:`;
/** The marker as JSON.stringify writes it (U+0000 as `\u0000`), with its index. */
const WRITTEN_MARK = new RegExp(`"\\\\u0000${NUMBER_MARK.slice(1)}(\\d+)"`, 'g');
/** The texts of the JsonNumbers met in the value being written (one call at a time). */
const numbers: string[] = [];

export function canonicalJson(value: unknown): string {
  numbers.length = 0;
  const copy = sortedCopy(value, 0);
  if (copy === NEEDS_WRITER) return flat(build(value, 0));
  const text = JSON.stringify(copy) ?? 'null';
  if (numbers.length === 0) return text;
  return flat(text.replace(WRITTEN_MARK, (_, i: string) => numbers[Number(i)]!));
}

interface Shape {
  /** The keys in the object's own order. */
  keys: string[];
  /** The same keys in canonical order. */
  sorted: string[];
  inOrder: boolean;
  /** A key the fast road cannot place (integer-like, `__proto__`). */
  needsWriter: boolean;
}

const MAX_SHAPES = 16;
const shapes: Shape[] = [];

function shapeOf(record: Record<string, unknown>): Shape {
  // Keys parsed from JSON are internalized strings: comparing them is comparing pointers.
  search: for (const shape of shapes) {
    const keys = shape.keys;
    let i = 0;
    for (const key in record) if (keys[i++] !== key) continue search;
    if (i === keys.length) return shape;
  }
  const keys = Object.keys(record);
  let inOrder = true;
  let needsWriter = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === '__proto__') needsWriter = true; // 0-9
    if (i > 0 && keys[i - 1]! > key) inOrder = false;
  }
  // Default sort compares UTF-16 code units, the order RFC 8785 prescribes.
  const shape = { keys, sorted: inOrder ? keys : [...keys].sort(), inOrder, needsWriter };
  if (shapes.length >= MAX_SHAPES) shapes.shift();
  shapes.push(shape);
  return shape;
}

/**
 * The value with every object's keys in canonical order (objects already in order are reused),
 * or NEEDS_WRITER.
 */
function sortedCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonical JSON cannot hold NaN or Infinity');
    }
    return value;
  }
  if (value instanceof JsonNumber) return `${NUMBER_MARK}${numbers.push(value.text) - 1}`;
  if (++depth > MAX_JSON_DEPTH) throw new JsonDepthError();
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const copy = sortedCopy(item, depth);
      if (copy === NEEDS_WRITER) return NEEDS_WRITER;
      if (out === undefined && copy !== item) out = value.slice(0, i);
      out?.push(copy);
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  const shape = shapeOf(record);
  if (shape.needsWriter) return NEEDS_WRITER;
  const keys = shape.sorted;
  let out: Record<string, unknown> | undefined;
  if (!shape.inOrder) out = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    const copy = sortedCopy(item, depth);
    if (copy === NEEDS_WRITER) return NEEDS_WRITER;
    if (out === undefined && copy !== item) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = record[keys[j]!];
    }
    if (out !== undefined) out[key] = copy;
  }
  return out ?? record;
}

/**
 * Built by concatenation, the string is a rope of many small pieces (~1.2 KB of heap for a
 * 160-byte record); reading a character makes V8 flatten it (~190 bytes). Records may wait in
 * memory by the ten thousand, so this is what keeps a sorter's memory bound honest.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

function build(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonical JSON cannot hold NaN or Infinity');
    }
    // JSON.stringify already is the RFC 8785 form of numbers, strings and literals.
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof JsonNumber) return value.text;
  if (++depth > MAX_JSON_DEPTH) throw new JsonDepthError();
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined ? 'null' : build(item, depth);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${build(item, depth)}`;
  }
  return `${out}}`;
}
