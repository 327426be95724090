/**
 * Lossless JSON: numbers keep the text the API wrote wherever a JavaScript number would change
 * it; everything else parses exactly as JSON.parse does; ids compare by their exact value.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../electron/engine/sources/api/canonical-json.js';
import { JsonNumber } from '../../electron/engine/sources/api/json-number.js';
import { JsonDepthError, parseJson } from '../../electron/engine/sources/api/parse-json.js';
import {
  compareIds,
  keyText,
  parseKeyText,
  type RecordId,
} from '../../electron/engine/sources/api/record-key.js';

const roundTrip = (text: string) => canonicalJson(parseJson(text));

describe('lossless JSON numbers', () => {
  it('keeps the text of every number JavaScript would change, and only those', () => {
    const changed = [
      '9007199254740993',
      '-9007199254740993',
      '123456789012345678901234567890',
      '0.1000000000000000055511151231257827',
      '1.50',
      '1.0',
      '1e2',
      '1E+2',
      '-0',
      '-0.0',
      '0.0000001',
      '1e400',
      '1E-400',
      '12345678901234567',
    ];
    for (const text of changed) {
      const value = (parseJson(`{"v": ${text}}`) as { v: unknown }).v;
      expect(value, text).toBeInstanceOf(JsonNumber);
      expect(roundTrip(`{"v":${text}}`)).toBe(`{"v":${text}}`);
      expect(roundTrip(`[${text}]`)).toBe(`[${text}]`);
      expect(roundTrip(text)).toBe(text);
    }
    const plain = ['0', '-1', '1.5', '9007199254740992', '1234567890123456', '0.000001', '1e+21'];
    for (const text of plain) {
      expect((parseJson(`{"v": ${text}}`) as { v: unknown }).v, text).toBe(Number(text));
      expect(roundTrip(`{"v":${text}}`)).toBe(`{"v":${text}}`);
    }
  });

  it('decides exactly which numbers to keep as text, on either road', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const digits = (n: number) => Array.from({ length: n }, () => random(10)).join('');
    for (let i = 0; i < 5000; i++) {
      const whole = random(4) === 0 ? '0' : `${1 + random(9)}${digits(random(20))}`;
      const fraction =
        random(2) === 0
          ? ''
          : `.${'0'.repeat(random(4) === 0 ? random(9) : 0)}${digits(1 + random(18))}`;
      const exponent =
        random(5) === 0 ? `${random(2) ? 'e' : 'E'}${['', '+', '-'][random(3)]}${random(400)}` : '';
      const token = `${random(3) === 0 ? '-' : ''}${whole}${fraction}${exponent}`;
      const keep = String(Number(token)) !== token;
      // Alone (the scan decides), and beside a number that sends it through the parser.
      for (const text of [`[${token}]`, `[12345678901234567890, ${token}]`]) {
        const value = (parseJson(text) as unknown[]).at(-1);
        if (keep) {
          expect(value, token).toBeInstanceOf(JsonNumber);
          expect((value as JsonNumber).text).toBe(token);
        } else expect(value, token).toBe(Number(token));
      }
    }
  });

  it('parses everything else exactly as JSON.parse does', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const strings = [
      '',
      'a',
      'é',
      '\u{1F600}',
      'x:1.50]',
      'line\nbreak',
      '"q"',
      '\\',
      '\u2028',
      '9e9',
    ];
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 4 ? 5 : 7));
      if (pick === 0) return null;
      if (pick === 1) return random() < 0.5;
      if (pick === 2) return Math.round(random() * 1e6) / 100;
      if (pick === 3) return -Math.floor(random() * 1e9);
      if (pick === 4) return strings[Math.floor(random() * strings.length)];
      if (pick === 5)
        return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--) {
        out[strings[Math.floor(random() * strings.length)]!] = value(depth + 1);
      }
      return out;
    };
    for (let i = 0; i < 300; i++) {
      const doc = { v: value(0) };
      const text = JSON.stringify(doc, null, i % 2 === 0 ? undefined : 1);
      expect(parseJson(text)).toEqual(JSON.parse(text));
      // The same document with one number that needs the exact parser: the rest is unchanged.
      const exact = parseJson(`{"big": 12345678901234567890, "doc": ${text}}`) as {
        big: JsonNumber;
        doc: unknown;
      };
      expect(exact.big.text).toBe('12345678901234567890');
      expect(exact.doc).toEqual(JSON.parse(text));
    }
  });

  it('keeps __proto__ an ordinary key, as JSON.parse does', () => {
    const parsed = parseJson('{"__proto__": {"x": 1}, "n": 1e2}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'n']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"n":1e2}');
  });

  it('refuses what is not JSON, on either road', () => {
    for (const text of ['{"a": 1.50', '[01]', '{"a" 1}', '[1e2,]', 'nul', '[1.]', '"\\x"']) {
      expect(() => parseJson(text), text).toThrow(SyntaxError);
    }
  });

  it('refuses deep nesting with a message, never a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}1.50${']'.repeat(100_000)}`;
    expect(() => parseJson(deep)).toThrow(JsonDepthError);
    expect(() => parseJson(deep)).toThrow('nests deeper than 1000 levels');
    const parsedNatively = JSON.parse(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`) as unknown;
    expect(() => canonicalJson(parsedNatively)).toThrow('nests deeper than 1000 levels');
    expect(() =>
      canonicalJson(parseJson(`${'['.repeat(1000)}1.50${']'.repeat(1000)}`)),
    ).not.toThrow();
  });

  it('orders ids by their exact value: numbers of either kind, then strings', () => {
    const ids: RecordId[] = [
      'b',
      new JsonNumber('123456789012345678901234567890'),
      9007199254740992,
      new JsonNumber('9007199254740993'),
      new JsonNumber('-9007199254740993'),
      new JsonNumber('1e2'),
      99,
      new JsonNumber('-0'),
      0.5,
      '9007199254740993',
      new JsonNumber('9007199254740993.5'),
    ];
    const sorted = [...ids].sort(compareIds).map(String);
    expect(sorted).toEqual([
      '-9007199254740993',
      '-0',
      '0.5',
      '99',
      '1e2',
      '9007199254740992',
      '9007199254740993',
      '9007199254740993.5',
      '123456789012345678901234567890',
      '9007199254740993',
      'b',
    ]);
    expect(compareIds(new JsonNumber('1e2'), 100)).toBe(0);
    expect(compareIds(new JsonNumber('1.50'), 1.5)).toBe(0);
    expect(compareIds(new JsonNumber('-0'), 0)).toBe(0);
  });

  it('keeps sort keys exact through their text form', () => {
    const key = { id: new JsonNumber('9007199254740993'), parent: new JsonNumber('-1e30') };
    expect(keyText(key)).toBe('[9007199254740993,-1e30]');
    const back = parseKeyText(keyText(key));
    expect(String(back.id)).toBe('9007199254740993');
    expect(String(back.parent)).toBe('-1e30');
    expect(parseKeyText(keyText({ id: 7 }))).toEqual({ id: 7 });
  });
});
