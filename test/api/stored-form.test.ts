import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../electron/engine/sources/api/canonical-json.js';
import { compareUtf8 } from '../../electron/engine/sources/api/record-key.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun } from './helpers/pull-run.js';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer({ items: 12 });
});
afterAll(() => server.close());

describe('stored form of API data (F13)', () => {
  it('stores one canonical JSON object per line: keys sorted, no whitespace', async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [{ name: 'items', path: '/items-all', records: 'items' }],
      }),
    );
    const lines = run.files.get('items')!.split('\n');
    expect(lines.at(-1)).toBe(''); // every line ends with a newline
    expect(lines[0]).toBe(
      '{"alpha":1,"done":false,"id":1,"tags":["odd"],"title":"items 1","updated_at":"2024-01-01T00:00:01.000Z","zeta":{"label":"n1","nested":1.5}}',
    );
  });

  it('orders numeric ids numerically and string ids by their UTF-8 bytes', async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          { name: 'items', path: '/items-all', records: 'items' },
          { name: 'notes', path: '/notes', records: 'notes' },
        ],
      }),
    );
    const ids = (name: string) =>
      run.files
        .get(name)!
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: unknown }).id);
    expect(ids('items')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(ids('notes')).toEqual(['10', '9', 'B', 'a', 'b', 'é', '\uFF5E', '\u{1F600}']);
  });

  it('canonical JSON follows RFC 8785 for numbers, strings and nesting', () => {
    expect(
      canonicalJson({ b: [1e21, 1e-7, -0, 0.1, 100], a: 'é\u2028"\\\n', c: { z: null, y: true } }),
    ).toBe('{"a":"é\u2028\\"\\\\\\n","b":[1e+21,1e-7,0,0.1,100],"c":{"y":true,"z":null}}');
    // Keys sort by UTF-16 code units (RFC 8785 §3.2.3), not by code points.
    expect(canonicalJson({ '\uFF5E': 1, '\u{1F600}': 2, a: 3 })).toBe(
      '{"a":3,"\u{1F600}":2,"\uFF5E":1}',
    );
  });

  it('canonical JSON sorts keys that JavaScript itself would order differently', () => {
    // Integer-like keys: objects list them first and numerically; RFC 8785 sorts them as text.
    expect(canonicalJson({ b: 1, '10': 2, '9': 3, a: [{ '2': 0, '1': 0 }] })).toBe(
      '{"10":2,"9":3,"a":[{"1":0,"2":0}],"b":1}',
    );
    // A "__proto__" key parsed from JSON is an ordinary key, kept in its place.
    expect(canonicalJson(JSON.parse('{"z":1,"__proto__":{"y":2,"x":1},"a":null}'))).toBe(
      '{"__proto__":{"x":1,"y":2},"a":null,"z":1}',
    );
    // Nested records, sorted or not, arrays of them, and values JSON has no place for.
    expect(
      canonicalJson({
        z: { b: [{ d: 1, c: [true, { f: 1, e: 2 }] }], a: undefined },
        y: [undefined],
      }),
    ).toBe('{"y":[null],"z":{"b":[{"c":[true,{"e":2,"f":1}],"d":1}]}}');
    expect(() => canonicalJson({ a: [Number.NaN] })).toThrow('NaN');
  });

  it('compares strings as their UTF-8 bytes do', () => {
    const words = ['\u{1F600}', '\uFF5E', 'z', 'é', 'a', '', 'ab'];
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareUtf8)).toEqual(byBytes);
  });
});
