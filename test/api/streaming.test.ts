/**
 * The stored file streams out while the endpoint is fetched, so storing overlaps fetching; when
 * records stop arriving in id order, or the endpoint fails, the file starts over and the last
 * attempt is still exactly the records the server holds, in order.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullApiSource } from '../../electron/engine/sources/api/pull-api-source.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, fastRetry, pullRun, storedRecords } from './helpers/pull-run.js';

let server: FixtureServer;
let tempDir: string;
beforeAll(async () => {
  server = await startFixtureServer({ items: 3000 });
  tempDir = await mkdtemp(path.join(tmpdir(), 'cairn-api-stream-'));
});
afterAll(async () => {
  await server.close();
  await rm(tempDir, { recursive: true, force: true });
});
beforeEach(() => server.faults.clear());

const source = (endpointPath: string, extra: Record<string, unknown> = {}) =>
  definition({
    baseUrl: server.baseUrl,
    limits: { concurrency: 2 },
    endpoints: [
      {
        name: 'items',
        path: endpointPath,
        records: 'data',
        pagination: { type: 'page', sizeParam: 'per_page', size: 500 },
        ...extra,
      },
    ],
  });

/** Reads a pull the way the engine does, noting what arrived when. */
async function readPull(def: ReturnType<typeof definition>, memoryLimitBytes?: number) {
  const seen = { attempts: 0, firstBytesAt: 0, lastAttempt: '' };
  for await (const pulled of pullApiSource({
    definition: def,
    tempDir,
    retry: fastRetry,
    memoryLimitBytes,
  })) {
    for await (const attempt of pulled.attempts) {
      seen.attempts++;
      const chunks: Buffer[] = [];
      for await (const chunk of attempt) {
        seen.firstBytesAt ||= performance.now();
        chunks.push(Buffer.from(chunk));
      }
      seen.lastAttempt = Buffer.concat(chunks).toString('utf8');
    }
    expect(pulled.meta.status).toBe('ok');
  }
  return seen;
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown);

describe('streaming the stored file', () => {
  it('hands records on while the endpoint is still being fetched', async () => {
    // The empty page after the last one is held back: by then most records must be stored.
    server.faults.add({ path: '/api/items', query: { page: '7' }, action: { hangMs: 600 } });
    const seen = await readPull(source('/items'));
    const done = performance.now();
    expect(seen.attempts).toBe(1);
    expect(done - seen.firstBytesAt).toBeGreaterThanOrEqual(550);
    expect(lines(seen.lastAttempt)).toEqual(server.data.items.all());
  });

  it('starts over and sorts when records arrive out of id order, spilling past its memory bound', async () => {
    const seen = await readPull(source('/items-unordered'), 16 * 1024);
    expect(seen.attempts).toBe(2);
    expect(lines(seen.lastAttempt)).toEqual(server.data.items.all());
  });

  it('merges an incremental run with the previous records whether or not they arrive in order', async () => {
    const own = await startFixtureServer({ items: 3000 });
    try {
      const def = definition({
        baseUrl: own.baseUrl,
        endpoints: [
          {
            name: 'items',
            path: '/items-unordered',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 500 },
            incremental: { cursorField: 'updated_at', param: 'updated_since' },
          },
        ],
      });
      const first = await pullRun(def);
      for (const id of [5, 10, 1234, 2990]) own.data.items.edit(id, { title: 'edited' });
      own.data.items.insert({ title: 'new' });
      own.data.items.delete(77); // an incremental run cannot see it go: it stays
      const second = await pullRun(def, { previous: first, memoryLimitBytes: 4 * 1024 });
      const meta = second.metas.get('items')!;
      expect(meta.sync).toBe('incremental');
      // The changed records, the new one and the bookmark's own record (updated_since is inclusive).
      expect(meta.records_fetched).toBe(4 + 1 + 1);
      const expected = [...own.data.items.all(), ...storedRecords(first, 'items').slice(76, 77)];
      expected.sort((a, b) => (a as { id: number }).id - (b as { id: number }).id);
      expect(storedRecords(second, 'items')).toEqual(expected);
    } finally {
      await own.close();
    }
  });

  it('starts over with the previous records when the endpoint fails after streaming began', async () => {
    const def = source('/items');
    const first = await pullRun(def);
    server.faults.add({
      path: '/api/items',
      query: { page: '5' },
      times: Infinity,
      action: { status: 500 },
    });
    const second = await pullRun(def, { previous: first });
    const meta = second.metas.get('items')!;
    expect(meta.status).toBe('failed');
    expect(meta.carried_over).toBe(true);
    expect(second.files.get('items')).toBe(first.files.get('items'));
  });

  it('stops fetching and removes its temp files when the reader stops early', async () => {
    const before = server.log.length;
    const workDir = await mkdtemp(path.join(tempDir, 'abandon-'));
    for await (const pulled of pullApiSource({ definition: source('/items'), tempDir: workDir })) {
      for await (const attempt of pulled.attempts) {
        for await (const chunk of attempt) {
          expect(chunk.byteLength).toBeGreaterThan(0);
          break;
        }
        break;
      }
      break;
    }
    const sent = server.log.length - before;
    expect(await readdir(workDir)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.log.length - before).toBe(sent); // nothing more was asked for
  });
});
