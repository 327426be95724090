/**
 * `cairn diff`: the built CLI on real folders and, for API data, against the fixture API. What
 * the user cares about: every change between two snapshots is listed as what it is (added,
 * removed, changed, type change, metadata only; a rename is a removal and an addition), API
 * records are listed by id, one record's fields can be compared, and the diff of two large,
 * mostly equal snapshots reads only a small part of what the repository holds.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffResult } from '../../electron/engine/service-types.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

async function snapshotIds(repo: string): Promise<string[]> {
  const list = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout) as {
    id: string;
  }[];
  return list.map((s) => s.id);
}

async function diffJson(repo: string, a: string, b: string, ...extra: string[]) {
  const res = await cairnOk(['diff', a, b, '--repo', repo, '--json', ...extra]);
  return JSON.parse(res.stdout) as DiffResult;
}

function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

describe('diff of two folder snapshots', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');
  const at = (...p: string[]) => path.join(src, ...p);
  let a = '';
  let b = '';

  beforeAll(async () => {
    mkdirSync(at('docs', 'old'), { recursive: true });
    mkdirSync(at('keep'), { recursive: true });
    writeFileSync(at('keep', 'same.txt'), 'unchanged\n');
    writeFileSync(at('edit.txt'), 'first version\n');
    writeFileSync(at('run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(at('run.sh'), 0o644);
    writeFileSync(at('touched.txt'), 'same bytes, new time\n');
    writeFileSync(at('report.pdf'), 'a report\n');
    writeFileSync(at('thing'), 'a file that becomes a link\n');
    writeFileSync(at('docs', 'old', 'gone.txt'), 'removed with its folder\n');
    writeFileSync(at('large.bin'), randomBytes(24 * MiB));
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);

    writeFileSync(at('edit.txt'), 'the second, longer version\n');
    chmodSync(at('run.sh'), 0o755);
    utimesSync(
      at('touched.txt'),
      new Date('2021-03-04T05:06:07Z'),
      new Date('2021-03-04T05:06:07Z'),
    );
    renameSync(at('report.pdf'), at('report-2024.pdf'));
    rmSync(at('thing'));
    symlinkSync('keep/same.txt', at('thing'));
    rmSync(at('docs', 'old'), { recursive: true });
    mkdirSync(at('docs', 'new'));
    writeFileSync(at('docs', 'new', 'added.txt'), 'new\n');
    // A change in the middle of a large file: its content is not read to find it.
    const large = randomBytes(24 * MiB);
    writeFileSync(at('large.bin'), large);
    await cairnOk(['backup', src, '--repo', repo]);
    [a = '', b = ''] = await snapshotIds(repo);
  });

  it('lists each change as what it is, a rename as a removal and an addition', async () => {
    const diff = await diffJson(repo, a, b);
    const shown = diff.entries.map((e) => [e.change, e.path, e.changed]);
    // In tree order: names sorted, a folder's contents right after it.
    expect(shown).toEqual([
      ['added', '/src/docs/new', []],
      ['added', '/src/docs/new/added.txt', []],
      ['removed', '/src/docs/old', []],
      ['removed', '/src/docs/old/gone.txt', []],
      ['modified', '/src/edit.txt', ['content', 'mtime']],
      ['modified', '/src/large.bin', ['content', 'mtime']],
      ['added', '/src/report-2024.pdf', []],
      ['removed', '/src/report.pdf', []],
      ['metadata', '/src/run.sh', ['mode']],
      ['type', '/src/thing', ['type']],
      ['metadata', '/src/touched.txt', ['mtime']],
    ]);
    const edit = diff.entries.find((e) => e.path === '/src/edit.txt')!;
    expect([edit.before?.size, edit.after?.size]).toEqual([14, 27]);
    const run = diff.entries.find((e) => e.path === '/src/run.sh')!;
    expect([run.before?.mode, run.after?.mode]).toEqual([0o644, 0o755]);
    const thing = diff.entries.find((e) => e.path === '/src/thing')!;
    expect([thing.before?.type, thing.after?.type, thing.after?.link_target]).toEqual([
      'file',
      'symlink',
      'keep/same.txt',
    ]);
    expect(diff.entries.find((e) => e.path === '/src/touched.txt')!.after?.mtime).toBe(
      '2021-03-04T05:06:07Z',
    );
    expect(diff.summary).toMatchObject({
      files_added: 2,
      files_removed: 2,
      files_modified: 2,
      dirs_added: 1,
      dirs_removed: 1,
      type_changed: 1,
      metadata_changed: 2,
      bytes_added: 4 + 9,
      bytes_removed: 9 + 24,
      bytes_modified_delta: 13,
    });
    expect(diff.endpoints).toEqual([]);
    expect(diff.snapshot_a.id).toBe(a);
    expect(diff.snapshot_b.id).toBe(b);
    // Trees only: no byte of the 24 MiB file (nor of any other) was read.
    expect(diff.bytes_read).toBeGreaterThan(0);
    expect(diff.bytes_read).toBeLessThan(64 * 1024);
  });

  it('prints one line per change with restic-like markers and a summary', async () => {
    const { stdout } = await cairnOk(['diff', a, b, '--repo', repo]);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^comparing snapshot ${a.slice(0, 8)} \\(.+\\) with ${b.slice(0, 8)} `),
    );
    expect(lines).toContain('-  /src/docs/old/');
    expect(lines).toContain('+  /src/docs/new/added.txt  4 B');
    expect(lines).toContain('M  /src/edit.txt  14 B → 27 B (+13 B)');
    expect(lines).toContain('-  /src/report.pdf  9 B');
    expect(lines).toContain('+  /src/report-2024.pdf  9 B');
    expect(lines).toContain('U  /src/run.sh  mode 0644 → 0755');
    expect(lines).toContain('T  /src/thing  file → symlink');
    expect(lines).toContain(
      'files: 2 added, 2 removed, 2 modified, 1 type changed, 2 metadata only',
    );
    expect(lines).toContain('folders: 1 added, 1 removed');
    expect(stdout).toMatch(/^read \d+(\.\d+)? (B|kB) of the repository$/m);
  });

  it('a snapshot compared with itself has no differences and reads nothing', async () => {
    const diff = await diffJson(repo, b, b);
    expect(diff.entries).toEqual([]);
    expect(diff.bytes_read).toBe(0);
    expect((await cairnOk(['diff', b, b, '--repo', repo])).stdout).toMatch(/^no differences$/m);
  });

  it('reports progress and stops on Ctrl-C or SIGTERM with exit 130, releasing its lock', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const run = await killOnProgress(
        ['diff', a, b, '--repo', repo],
        (p) => p.phase === 'diff' && p.files_done >= 2,
        { signal },
      );
      expect(run.killed).toBe(true);
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/cancel/i);
      expect(run.lastProgress?.phase).toBe('diff');
      expect(readdirSync(path.join(repo, 'locks'))).toEqual([]);
    }
  });

  it('refuses a missing snapshot or argument with a one-line message', async () => {
    const missing = await cairnOk(['diff', a, 'abcdef12', '--repo', repo], {}, 1);
    expect(missing.stderr.trim()).toBe(`cairn: no snapshot abcdef12 in ${repo}`);
    const one = await cairnOk(['diff', a, '--repo', repo], {}, 1);
    expect(one.stderr).toMatch(/^cairn: name two snapshots to compare$/m);
  });
});

describe('diff of two API snapshots', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const source = path.join(dir, 'fixture.source.json');
  let server: FixtureServer;
  let a = '';
  let b = '';

  beforeAll(async () => {
    server = await startFixtureServer({ items: 40, projects: 4, commentsPerProject: 3 });
    writeFileSync(
      source,
      JSON.stringify({
        name: 'fixture',
        baseUrl: server.baseUrl,
        limits: { concurrency: 2, requestsPerSecond: 500 },
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 15 },
          },
          // Keyed by another field: the stored file says so (its meta's id_path).
          { name: 'labelled', path: '/items-all', records: 'items', id: 'zeta.label' },
          { name: 'projects', path: '/projects', records: 'data' },
          {
            name: 'comments',
            path: '/projects/{projects.id}/comments',
            records: '$',
            pagination: { type: 'link' },
          },
        ],
      }),
    );
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', '--api', source, '--repo', repo]);
    server.data.items.edit(5, { title: 'Renamed', zeta: { nested: 7.5, label: 'relabelled' } });
    server.data.items.edit(6, { tags: ['even', 'b', 'c'], extra: { note: 'added' } });
    server.data.items.delete(4);
    server.data.items.insert({ title: 'brand new' });
    server.data.comments.get(3)!.edit(2, { title: 'edited comment' });
    await cairnOk(['backup', '--api', source, '--repo', repo]);
    [a = '', b = ''] = await snapshotIds(repo);
  });
  afterAll(() => server.close());

  it('lists the records added, removed and changed per endpoint', async () => {
    const diff = await diffJson(repo, a, b);
    const byEndpoint = Object.fromEntries(
      diff.endpoints.map((e) => [
        e.endpoint,
        { added: e.added, removed: e.removed, changed: e.changed },
      ]),
    );
    expect(byEndpoint).toEqual({
      items: { added: [{ id: 41 }], removed: [{ id: 4 }], changed: [{ id: 5 }, { id: 6 }] },
      comments: { added: [], removed: [], changed: [{ id: 2, parent: 3 }] },
      labelled: {
        added: [{ id: 'n41' }, { id: 'relabelled' }],
        removed: [{ id: 'n4' }, { id: 'n5' }],
        changed: [{ id: 'n6' }],
      },
    });
    expect(diff.endpoints.find((e) => e.endpoint === 'items')!.path).toBe(
      '/api/fixture/items.ndjson',
    );
    expect(diff.summary).toMatchObject({
      records_added: 3,
      records_removed: 3,
      records_changed: 4,
    });
    // The fetch metadata beside each endpoint changes with every run; unchanged data does not.
    const paths = diff.entries.map((e) => e.path);
    expect(paths).toContain('/api/fixture/items.ndjson');
    expect(paths).not.toContain('/api/fixture/projects.ndjson');

    const { stdout } = await cairnOk(['diff', a, b, '--repo', repo]);
    const lines = stdout.split('\n');
    expect(lines).toContain('records of /api/fixture/items.ndjson: 1 added, 1 removed, 2 changed');
    expect(lines).toContain('+  41');
    expect(lines).toContain('-  4');
    expect(lines).toContain('M  5');
    expect(lines).toContain('M  2 (parent 3)');
    expect(lines).toContain('records: 3 added, 3 removed, 4 changed in 3 endpoints');
  });

  it('--record shows the field-level changes of one record', async () => {
    const diff = await diffJson(repo, a, b, '--record', 'items/5');
    expect(diff.entries).toEqual([]);
    expect(diff.records).toHaveLength(1);
    const [record] = diff.records!;
    expect(record).toMatchObject({
      source: 'fixture',
      endpoint: 'items',
      id: 5,
      status: 'changed',
    });
    expect(record!.fields.map((f) => [f.path, f.change, f.before, f.after])).toEqual([
      ['title', 'changed', 'items 5', 'Renamed'],
      ['updated_at', 'changed', '2024-01-01T00:00:05.000Z', expect.any(String)],
      ['zeta.label', 'changed', 'n5', 'relabelled'],
    ]);

    const six = await cairnOk(['diff', a, b, '--repo', repo, '--record', 'fixture/items/6']);
    const lines = six.stdout.split('\n');
    expect(lines).toContain('record fixture/items/6: changed');
    expect(lines).toContain('+  extra: {"note":"added"}');
    expect(lines).toContain('+  tags[2]: "c"');

    const removed = await diffJson(repo, a, b, '--record', 'items/4');
    expect(removed.records!.map((r) => r.status)).toEqual(['removed']);
    const child = await diffJson(repo, a, b, '--record', 'comments/2');
    // Comment ids repeat per project: one comparison per parent, only project 3's changed.
    expect(child.records!.map((r) => [r.parent, r.status])).toEqual([
      [1, 'unchanged'],
      [3, 'changed'],
      [4, 'unchanged'],
    ]);
  });

  it('--record names what it cannot find in one line', async () => {
    const none = await cairnOk(['diff', a, b, '--repo', repo, '--record', 'items/999'], {}, 1);
    expect(none.stderr.trim()).toBe('cairn: no record 999 in fixture/items in either snapshot');
    const bad = await cairnOk(['diff', a, b, '--repo', repo, '--record', 'tasks/1'], {}, 1);
    expect(bad.stderr.trim()).toBe(
      'cairn: --record tasks/1: no endpoint tasks in either snapshot (endpoints: fixture/comments, fixture/items, fixture/labelled, fixture/projects); write ENDPOINT/ID',
    );
  });
});

describe('diff of two large, mostly equal API snapshots', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const source = path.join(dir, 'big.source.json');
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer({ items: 200_000, projects: 0 });
    writeFileSync(
      source,
      JSON.stringify({
        name: 'big',
        baseUrl: server.baseUrl,
        limits: { concurrency: 4, requestsPerSecond: 1000 },
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 1000 },
          },
        ],
      }),
    );
    await cairnOk(['init', '--repo', repo]);
  });
  afterAll(() => server.close());

  it('reads only the chunks around the changes, and finds every one', async () => {
    await cairnOk(['backup', '--api', source, '--repo', repo]);
    // What one snapshot's endpoint file costs to read whole: a diff that read both files
    // would read about twice this.
    const oneFile = bytesUnder(path.join(repo, 'data'));
    server.data.items.edit(100_000, { title: 'in the middle' });
    server.data.items.delete(100_001);
    server.data.items.delete(200_000);
    server.data.items.insert({ title: 'at the end' });
    await cairnOk(['backup', '--api', source, '--repo', repo]);
    const [a, b] = await snapshotIds(repo);
    const diff = await diffJson(repo, a!, b!);
    expect(diff.endpoints).toEqual([
      {
        source: 'big',
        endpoint: 'items',
        path: '/api/big/items.ndjson',
        added: [{ id: 200_001 }],
        removed: [{ id: 100_001 }, { id: 200_000 }],
        changed: [{ id: 100_000 }],
      },
    ]);
    // The endpoint file is some twenty chunks (their boundaries differ per repository); each of
    // the two changed stretches needs a chunk or two on each side: about a tenth of reading
    // both files whole, asserted with room for unlucky boundaries.
    expect(diff.bytes_read).toBeLessThan((2 * oneFile) / 4);

    const record = await diffJson(repo, a!, b!, '--record', 'items/100000');
    expect(record.records![0]!.fields[0]).toEqual({
      path: 'title',
      change: 'changed',
      before: 'items 100000',
      after: 'in the middle',
    });
    // Found by a binary search over each side's chunks: well under reading both files whole.
    expect(record.bytes_read).toBeLessThan((2 * oneFile) / 2);
  });
});

describe('diff of API records whose ids a JavaScript number cannot hold', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const source = path.join(dir, 'big.source.json');
  const BASE = 9007199254740993n; // 2^53 + 1
  let server: FixtureServer;
  let a = '';
  let b = '';

  beforeAll(async () => {
    server = await startFixtureServer();
    writeFileSync(
      source,
      JSON.stringify({
        name: 'numbers',
        baseUrl: server.baseUrl,
        endpoints: [{ name: 'big', path: '/big-numbers', records: 'data' }],
      }),
    );
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', '--api', source, '--repo', repo]);
    // A neighbour whose id differs from an existing one only past the 16th digit, and an edit.
    server.data.bigNumbers.add(BASE + 1n, 'neighbour');
    const base = server.data.bigNumbers.records.find((r) => r.id === BASE)!;
    base.fields = base.fields.map(([k, v]) => [k, k === 'title' ? '"renamed"' : v]);
    await cairnOk(['backup', '--api', source, '--repo', repo]);
    [a = '', b = ''] = await snapshotIds(repo);
  });
  afterAll(() => server.close());

  it('lists them by their exact ids and compares the right record', async () => {
    const res = await cairnOk(['diff', a, b, '--repo', repo, '--json']);
    // Exact in the JSON text (JSON.parse in this test would round them again).
    expect(res.stdout).toMatch(/"added": \[\s+\{\s+"id": 9007199254740994\s+\}\s+\]/);
    expect(res.stdout).toMatch(/"changed": \[\s+\{\s+"id": 9007199254740993\s+\}\s+\]/);

    const one = await cairnOk(['diff', a, b, '--repo', repo, '--record', 'big/9007199254740993']);
    const lines = one.stdout.split('\n');
    expect(lines).toContain('record numbers/big/9007199254740993: changed');
    expect(lines).toContain('M  title: "base" → "renamed"');
    const added = await cairnOk(['diff', a, b, '--repo', repo, '--record', 'big/9007199254740994']);
    expect(added.stdout).toContain('+  amount: -90071992547409949007199254740994');
  });
});
