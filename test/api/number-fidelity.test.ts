/**
 * Numbers are stored exactly as the API wrote them: ids and versions beyond 2^53, a 30-digit
 * amount, negative big integers, a 34-digit decimal, `1.50`, `1e2`, `-0`. Before, a record's
 * 9007199254740993 was stored as 9007199254740992 and 123456789012345678901234567890 as
 * 1.2345678901234568e+29: the backup silently changed the data, merged records whose ids only
 * differ past the 16th digit, and paged or synced from rounded cursors. restore-api sends them
 * back exactly too, and maps new ids beyond 2^64 exactly.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BigNumberRecords, type BigRecord } from '../fixtures/api-server/big-numbers.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun } from './helpers/pull-run.js';
import { repoRoot, spawnAndWait, type Finished } from './helpers/spawn-command.js';

let server: FixtureServer;
beforeEach(async () => {
  server = await startFixtureServer();
});
afterEach(() => server.close());

/** The stored file the server's big-number records must give: exact numbers, in id order. */
function expectedFile(): string {
  return server.data.bigNumbers
    .byId()
    .map((r) => `${BigNumberRecords.canonical(r)}\n`)
    .join('');
}

const bigNumbers = (extra: Record<string, unknown> = {}) => ({
  name: 'big',
  path: '/big-numbers',
  records: 'data',
  ...extra,
});

describe('number fidelity', () => {
  it('stores every number exactly as sent, records sorted by their exact ids', async () => {
    const run = await pullRun(definition({ baseUrl: server.baseUrl, endpoints: [bigNumbers()] }));
    expect(run.metas.get('big')!.error).toBeNull();
    const file = run.files.get('big')!;
    expect(file).toBe(expectedFile());
    // Spelled out, so that the expectation does not only rest on the fixture's helper.
    expect(file).toContain('"id":9007199254740993,');
    expect(file).toContain('"amount":123456789012345678901234567890,');
    expect(file).toContain('"balance":-98765432109876543210,');
    expect(file).toContain('"ratio":0.1000000000000000055511151231257827,');
    expect(file).toContain('{"count":1e2,"id":12,"price":1.50,');
    expect(file).toContain('"zero":-0}');
    const ids = file
      .trim()
      .split('\n')
      .map((line) => /"id":(-?\d+)/.exec(line)![1]);
    expect(ids).toEqual([
      '-9007199254740993',
      '12',
      '9007199254740993',
      '9007199254740995',
      '9007199254740997',
      '123456789012345678901234567890',
    ]);
  });

  it('sorts big ids exactly when the sort spills to disk', async () => {
    const run = await pullRun(definition({ baseUrl: server.baseUrl, endpoints: [bigNumbers()] }), {
      memoryLimitBytes: 1, // every record is a run of its own, kept in a spill file
    });
    expect(run.files.get('big')).toBe(expectedFile());
  });

  it('pages with an exact big-id cursor (Stripe-style starting_after)', async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          {
            name: 'big',
            path: '/big-numbers-after',
            records: 'data',
            pagination: {
              type: 'cursor',
              cursorParam: 'starting_after',
              nextCursor: 'data[-1].id',
              hasMore: 'has_more',
              sizeParam: 'limit',
              size: 2,
            },
          },
        ],
      }),
    );
    expect(run.metas.get('big')!.error).toBeNull();
    expect(run.files.get('big')).toBe(expectedFile());
    const cursors = server.log.map((r) => r.query.starting_after);
    expect(cursors).toEqual([undefined, '12', '9007199254740995']);
  });

  it("expands child endpoints with the parent's exact id, and stores it in $parent", async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          bigNumbers(),
          { name: 'notes', path: '/big-numbers/{big.id}/notes', records: '$' },
        ],
      }),
    );
    expect(run.metas.get('notes')!.error).toBeNull();
    const ids = server.data.bigNumbers.byId().map((r) => String(r.id));
    expect(run.files.get('notes')).toBe(
      ids.map((id) => `{"$parent":${id},"about":${id},"id":1}\n`).join(''),
    );
  });

  it('keeps an exact big-number bookmark and syncs incrementally from it', async () => {
    const big = bigNumbers({ incremental: { cursorField: 'version', param: 'since_version' } });
    const def = definition({ baseUrl: server.baseUrl, endpoints: [big] });
    const first = await pullRun(def);
    expect(String(first.sourceMeta.endpoints.big!.bookmark)).toBe('9007199254740999');
    // As a snapshot keeps it: tagged, never rounded.
    expect(JSON.parse(JSON.stringify(first.sourceMeta.endpoints.big))).toMatchObject({
      bookmark: { $number: '9007199254740999' },
    });

    server.data.bigNumbers.add(9007199254740999n, 'added');
    const second = await pullRun(def, { previous: first });
    const meta = second.metas.get('big')!;
    expect(meta.sync).toBe('incremental');
    expect(server.log.at(-1)!.query.since_version).toBe('9007199254740999');
    // The bookmark's own record again (inclusive) and the new one.
    expect(meta.records_fetched).toBe(2);
    expect(second.files.get('big')).toBe(expectedFile());
    expect(String(second.sourceMeta.endpoints.big!.bookmark)).toBe('9007199254741003');
  });
});

describe('number fidelity through cairn backup --api and restore', () => {
  const env = { ...process.env, CAIRN_PASSWORD: 'correct horse' };
  const cairn = (args: string[]): Promise<Finished> =>
    spawnAndWait(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'electron/cli/index.ts'), ...args],
      { env },
    );

  it('restores .ndjson files holding exactly the numbers the API sent, run after run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cairn-numbers-'));
    try {
      const repo = path.join(dir, 'repo');
      const source = path.join(dir, 'big.source.json');
      await writeFile(
        source,
        JSON.stringify({
          name: 'fixture',
          baseUrl: server.baseUrl,
          endpoints: [
            bigNumbers({ incremental: { cursorField: 'version', param: 'since_version' } }),
            {
              name: 'paged',
              path: '/big-numbers-after',
              records: 'data',
              pagination: {
                type: 'cursor',
                cursorParam: 'starting_after',
                nextCursor: 'data[-1].id',
                hasMore: 'has_more',
                sizeParam: 'limit',
                size: 2,
              },
            },
          ],
        }),
      );
      expect((await cairn(['init', '--repo', repo])).code).toBe(0);
      const restored = async (snapshot: string, file: string) => {
        const target = await mkdtemp(path.join(dir, 'restore-'));
        const result = await cairn(['restore', snapshot, '--target', target, '--repo', repo]);
        expect(result.code, result.stderr).toBe(0);
        return readFile(path.join(target, 'api', 'fixture', file), 'utf8');
      };
      const backup = async () => {
        const result = await cairn(['backup', '--api', source, '--repo', repo, '--json']);
        expect(result.code, result.stderr).toBe(0);
        return (JSON.parse(result.stdout) as { snapshot: { id: string; meta: unknown } }).snapshot;
      };

      const first = await backup();
      expect(await restored(first.id, 'big.ndjson')).toBe(expectedFile());
      expect(await restored(first.id, 'paged.ndjson')).toBe(expectedFile());
      expect(first.meta).toMatchObject({
        api: { fixture: { endpoints: { big: { bookmark: { $number: '9007199254740999' } } } } },
      });
      const fetchMeta = JSON.parse(await restored(first.id, 'big.meta.json')) as unknown;
      expect(fetchMeta).toMatchObject({ bookmark: { $number: '9007199254740999' } });

      server.data.bigNumbers.add(9007199254740999n, 'added');
      const second = await backup();
      const sent = server.log.filter((r) => r.path === '/api/big-numbers').at(-1)!;
      expect(sent.query.since_version).toBe('9007199254740999');
      expect(await restored(second.id, 'big.ndjson')).toBe(expectedFile());
      expect(await restored(second.id, 'paged.ndjson')).toBe(expectedFile());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('restore-api sends every number exactly as stored and maps new ids beyond 2^64 exactly', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cairn-numbers-restore-'));
    try {
      const repo = path.join(dir, 'repo');
      const source = path.join(dir, 'big.source.json');
      await writeFile(
        source,
        JSON.stringify({
          name: 'fixture',
          baseUrl: server.baseUrl,
          endpoints: [
            bigNumbers(),
            { name: 'notes', path: '/big-numbers/{big.id}/notes', records: '$' },
          ],
          restore: {
            big: { method: 'POST', path: '/big-numbers', omit: ['id'], idMap: true },
            notes: { method: 'POST', path: '/big-numbers/{$parent}/notes', omit: ['id'] },
          },
        }),
      );
      expect((await cairn(['init', '--repo', repo])).code).toBe(0);
      const backup = await cairn(['backup', '--api', source, '--repo', repo]);
      expect(backup.code, backup.stderr).toBe(0);
      const restore = await cairn([
        'restore-api',
        'latest',
        '--api',
        source,
        '--endpoint',
        'notes',
        '--repo',
        repo,
      ]);
      expect(restore.code, restore.stderr).toBe(0);

      // Each record's body: the stored record without its id, every number as the API sent it.
      const withoutId = (r: BigRecord) =>
        BigNumberRecords.canonical({ ...r, fields: r.fields.filter(([k]) => k !== 'id') });
      const { records, created, createdNotes } = server.data.bigNumbers;
      expect(created.map((c) => c.body).sort()).toEqual(records.map(withoutId).sort());
      // Each note went to the new id its parent was given, and names its old parent exactly.
      const bodyOfNew = new Map(created.map((c) => [String(c.id), c.body]));
      expect(createdNotes).toHaveLength(records.length);
      for (const note of createdNotes) {
        const about = /^\{"about":(-?\d+)\}$/.exec(note.body)?.[1];
        const old = records.find((r) => String(r.id) === about);
        expect(old, note.body).toBeDefined();
        expect(bodyOfNew.get(note.parent)).toBe(withoutId(old!));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
