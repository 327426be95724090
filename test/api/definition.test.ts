import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loadSourceDefinition,
  parseSourceDefinition,
} from '../../electron/engine/sources/api/load-source-definition.js';
import { getAtPath, parseRecordPath } from '../../electron/engine/sources/api/record-path.js';
import { joinBaseUrl, resolveResponseUrl } from '../../electron/engine/sources/api/endpoint-url.js';
import { parseLinkHeader } from '../../electron/engine/sources/api/pagination/link-header.js';

const minimal = {
  name: 'demo',
  baseUrl: 'http://h/api',
  endpoints: [{ name: 'tasks', path: '/tasks', records: 'data' }],
};
const problem = (json: unknown) => {
  try {
    parseSourceDefinition(json, 'demo.source.json');
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('source definitions', () => {
  it('reads the example from the format page', async () => {
    const def = await loadSourceDefinition(
      // The format page's example, kept in the repository so the test needs nothing beside it.
      fileURLToPath(new URL('../../docs/examples/tasks-api.source.json', import.meta.url)),
    );
    expect(def.name).toBe('tasks-demo');
    expect(def.endpoints.map((e) => e.name)).toEqual([
      'projects',
      'tasks',
      'comments',
      'users',
      'events',
    ]);
    expect(def.fullSyncEvery).toBe(7);
  });

  it('names an unknown field, wherever it is', () => {
    expect(
      problem({
        ...minimal,
        endpoints: [{ ...minimal.endpoints[0], paginaton: { type: 'page' } }],
      }),
    ).toBe('demo.source.json: unknown field "endpoints[0].paginaton"');
    expect(problem({ ...minimal, auth: { type: 'bearer', token: 'x', tokn: 'y' } })).toBe(
      'demo.source.json: unknown field "auth.tokn"',
    );
  });

  it('refuses a later format version plainly', () => {
    expect(problem({ ...minimal, $schema: 'cairn/source-definition/v2' })).toMatch(
      /format "cairn\/source-definition\/v2" is not supported/,
    );
  });

  it('checks what a schema cannot: parents, cycles, duplicate names, paths', () => {
    expect(
      problem({ ...minimal, endpoints: [{ name: 'c', path: '/p/{nope.id}/c', records: '$' }] }),
    ).toMatch(/endpoints\[0\]\.path: \{nope\.id\} .* does not name a field of another endpoint/);
    expect(
      problem({
        ...minimal,
        endpoints: [
          { name: 'a', path: '/a/{b.id}', records: '$' },
          { name: 'b', path: '/b/{a.id}', records: '$' },
        ],
      }),
    ).toMatch(/parent endpoints form a cycle/);
    expect(
      problem({ ...minimal, endpoints: [minimal.endpoints[0], minimal.endpoints[0]] }),
    ).toMatch(/"tasks" is used twice/);
    expect(
      problem({ ...minimal, endpoints: [{ name: 'x', path: '/x', records: 'data[' }] }),
    ).toMatch(/invalid path "data\["/);
    expect(
      problem({ ...minimal, endpoints: [{ name: '../x', path: '/x', records: '$' }] }),
    ).toMatch(/usable as a file name/);
    expect(
      problem({
        ...minimal,
        endpoints: [
          { name: 'x', path: '/x', records: '$', pagination: { type: 'cursor', cursorParam: 'c' } },
        ],
      }),
    ).toMatch(/exactly one of "nextCursor" or "nextCursorHeader"/);
  });
});

describe('record paths', () => {
  const body = {
    data: { items: [{ id: 1 }, { id: 2 }] },
    'a.b': { 'c"d': 5 },
    results: [{ id: 'x' }],
    '@odata.nextLink': 'n',
  };
  it.each([
    ['$', body],
    ['data.items', body.data.items],
    ['data.items[0].id', 1],
    ['data.items[-1].id', 2],
    ['results[0].id', 'x'],
    ['["@odata.nextLink"]', 'n'],
    ['["a.b"]["c\\"d"]', 5],
    ["['a.b']", { 'c"d': 5 }],
    ['data.missing.deeper', undefined],
    ['data.items[5]', undefined],
  ])('%s', (path, expected) => {
    expect(getAtPath(body, parseRecordPath(path))).toEqual(expected);
  });
  it.each(['', 'a..b', 'a.', '.a', 'a[', 'a[x]', 'a["b]', 'a]b'])('rejects %j', (path) => {
    expect(() => parseRecordPath(path)).toThrow(/invalid path/);
  });
});

describe('URLs', () => {
  it('joins the base URL as a string, keeping its path', () => {
    expect(joinBaseUrl('http://h/api', '/projects')).toBe('http://h/api/projects');
    expect(joinBaseUrl('http://h/api/', '/projects?page[size]=100')).toBe(
      'http://h/api/projects?page[size]=100',
    );
    expect(joinBaseUrl('http://h/api', 'projects')).toBe('http://h/api/projects');
  });
  it('resolves relative response URLs against the request URL (RFC 3986)', () => {
    expect(resolveResponseUrl('?page=2', 'http://h/api/items?page=1')).toBe(
      'http://h/api/items?page=2',
    );
    expect(resolveResponseUrl('next?x=1', 'http://h/api/items')).toBe('http://h/api/next?x=1');
    expect(resolveResponseUrl('/v2/items', 'http://h/api/items')).toBe('http://h/v2/items');
    expect(resolveResponseUrl('https://o/x', 'http://h/api/items')).toBe('https://o/x');
  });
  it('parses Link headers (RFC 8288)', () => {
    expect(
      parseLinkHeader(
        '<https://h/x?page=2>; rel="next", <https://h/x?page=9>; rel=last, </x;a,b>; rel="prev first"; title="a, b"',
      ),
    ).toEqual([
      { target: 'https://h/x?page=2', rels: ['next'] },
      { target: 'https://h/x?page=9', rels: ['last'] },
      { target: '/x;a,b', rels: ['prev', 'first'] },
    ]);
  });
});
