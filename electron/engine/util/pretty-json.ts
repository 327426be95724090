/**
 * Indented JSON for people and scripts, with numbers an API wrote that a JavaScript number
 * cannot hold (JsonNumber: ids beyond 2^53, long decimals) written exactly as they were, not
 * as their `{"$number": …}` tag.
 */
import { randomBytes } from 'node:crypto';
import { JsonNumber } from '../sources/api/json-number.js';

export function prettyJson(value: unknown, indent = 2): string {
  // A marker no string in the document can hold: a fresh random tag, found only where put.
  const tag = `\u0000${randomBytes(6).toString('hex')}:`;
  let marked = false;
  // Typed string, but undefined for undefined (a field a record does not have): `null` then.
  const text: string | undefined = JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, v: unknown) {
      const original = this[key];
      if (!(original instanceof JsonNumber)) return v;
      marked = true;
      return tag + original.text;
    },
    indent || undefined,
  );
  if (text === undefined) return 'null';
  if (!marked) return text;
  const quotedTag = JSON.stringify(tag).slice(1, -1);
  return text.replace(new RegExp(`"${quotedTag.replace(/\\/g, '\\\\')}([^"]*)"`, 'g'), '$1');
}
