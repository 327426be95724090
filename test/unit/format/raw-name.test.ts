/**
 * The two forms of a name that is not UTF-8 (format/raw-name.ts) stand for its bytes exactly:
 * the readable form decodes back to them in every spelling, and the in-memory form too.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bytesToLocal,
  escapeName,
  fsPath,
  localToBytes,
  nameLength,
  shownPath,
  storedName,
  unescapeName,
} from '../../../electron/engine/format/raw-name.js';

const samples = [
  Buffer.from('caf\xe9.txt', 'latin1'),
  Buffer.from('back\\slash\xff', 'latin1'),
  Buffer.concat([Buffer.from('😀 ok '), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf4, 0x90])]),
  Buffer.from([0xe2, 0x82]), // a sequence cut short
];

describe('names as bytes', () => {
  it('escapes only what is not UTF-8, plus backslashes, and decodes back', () => {
    expect(escapeName(samples[0]!)).toBe('caf\\xe9.txt');
    expect(escapeName(samples[1]!)).toBe('back\\\\slash\\xff');
    expect(escapeName(samples[2]!)).toBe('😀 ok \\xed\\xa0\\x80\\xc0\\xaf\\xf4\\x90');
    for (const bytes of [...samples, ...Array.from({ length: 200 }, () => randomBytes(12))]) {
      for (let k = 0; k <= nameLength(bytes); k++)
        expect(unescapeName(escapeName(bytes, k)).equals(bytes)).toBe(true);
      expect(localToBytes(bytesToLocal(bytes)).equals(bytes)).toBe(true);
    }
  });

  it('spells a name more escaped, one character from the end at a time', () => {
    const bytes = samples[0]!;
    expect([0, 1, 2].map((k) => escapeName(bytes, k))).toEqual([
      'caf\\xe9.txt',
      'caf\\xe9.tx\\x74',
      'caf\\xe9.t\\x78\\x74',
    ]);
  });

  it('keeps valid UTF-8 as the plain string, with no raw field', () => {
    const text = 'Übersicht 😀';
    expect(storedName(Buffer.from(text))).toEqual({ text });
    expect(bytesToLocal(Buffer.from(text))).toBe(text);
    expect(fsPath(text)).toBe(text);
    expect(storedName(samples[0]!)).toEqual({
      text: 'caf\\xe9.txt',
      raw: samples[0]!.toString('base64'),
    });
  });

  it('turns in-memory paths into bytes for fs calls and into escapes for people', () => {
    const local = `/data/${bytesToLocal(samples[0]!)}/😀`;
    expect(fsPath(local)).toEqual(
      Buffer.concat([Buffer.from('/data/'), samples[0]!, Buffer.from('/😀')]),
    );
    expect(shownPath(local)).toBe('/data/caf\\xe9.txt/😀');
  });
});
