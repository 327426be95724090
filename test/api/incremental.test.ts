import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun, storedRecords, type StoredRun } from './helpers/pull-run.js';

let server: FixtureServer;
beforeEach(async () => {
  server = await startFixtureServer({ items: 40 });
});
afterEach(() => server.close());

const tasks = (fullSyncEvery = 7) =>
  definition({
    baseUrl: server.baseUrl,
    fullSyncEvery,
    endpoints: [
      {
        name: 'tasks',
        path: '/items-cursor',
        records: 'items',
        pagination: {
          type: 'cursor',
          cursorParam: 'cursor',
          nextCursor: 'next_cursor',
          sizeParam: 'limit',
          size: 10,
        },
        incremental: { cursorField: 'updated_at', param: 'updated_since' },
      },
    ],
  });

describe('incremental sync', () => {
  it('fetches only changed records and merges them, so every snapshot is complete', async () => {
    const first = await pullRun(tasks());
    expect(storedRecords(first, 'tasks')).toEqual(server.data.items.all());
    const firstMeta = first.metas.get('tasks')!;
    expect(firstMeta.sync).toBe('full');
    expect(firstMeta.bookmark).toBe(server.data.items.record(40).updated_at);

    server.data.items.edit(7, { title: 'edited seven' });
    server.data.items.insert({ title: 'brand new' });
    const start = server.log.length;
    const second = await pullRun(tasks(), { previous: first });
    const meta = second.metas.get('tasks')!;
    expect(meta.sync).toBe('incremental');
    expect(server.log.slice(start).map((r) => r.query.updated_since)).toEqual([firstMeta.bookmark]);
    // The bookmark record itself comes again (updated_since is inclusive) plus the two changes.
    expect(meta.records_fetched).toBe(3);
    expect(storedRecords(second, 'tasks')).toEqual(server.data.items.all());
    expect(meta.bookmark).toBe(server.data.items.record(41).updated_at);
    expect(second.sourceMeta.endpoints.tasks!.runs_since_full_sync).toBe(1);
  });

  it('keeps deleted records until the next full sync, which drops them', async () => {
    let run = await pullRun(tasks(3));
    server.data.items.delete(5);
    server.data.items.edit(6);
    run = await pullRun(tasks(3), { previous: run });
    expect(run.metas.get('tasks')!.sync).toBe('incremental');
    expect(storedRecords(run, 'tasks')).toHaveLength(40); // an incremental run cannot see deletions
    run = await pullRun(tasks(3), { previous: run });
    expect(run.metas.get('tasks')!.sync).toBe('incremental');
    run = await pullRun(tasks(3), { previous: run });
    expect(run.metas.get('tasks')!.sync).toBe('full'); // the 3rd run after a full sync
    expect(storedRecords(run, 'tasks')).toEqual(server.data.items.all());
    expect(storedRecords(run, 'tasks')).toHaveLength(39);
  });

  it('does a full sync on request', async () => {
    const first = await pullRun(tasks());
    server.data.items.delete(1);
    const second = await pullRun(tasks(), { previous: first, fullSync: true });
    expect(second.metas.get('tasks')!.sync).toBe('full');
    expect(storedRecords(second, 'tasks')).toEqual(server.data.items.all());
  });

  it('never advances the bookmark in a failed run, and the next run picks up everything', async () => {
    const first = await pullRun(tasks());
    const bookmark = first.sourceMeta.endpoints.tasks!.bookmark;
    server.data.items.edit(3);
    server.data.items.edit(30);
    server.faults.add({ path: '/api/items-cursor', times: Infinity, action: { status: 500 } });
    const failed: StoredRun = await pullRun(tasks(), {
      previous: first,
      retry: { maxAttempts: 2, baseDelayMs: 5 },
    });
    expect(failed.metas.get('tasks')!.status).toBe('failed');
    expect(failed.sourceMeta.endpoints.tasks!.bookmark).toBe(bookmark);
    expect(failed.files.get('tasks')).toBe(first.files.get('tasks'));
    server.faults.clear();
    const recovered = await pullRun(tasks(), { previous: failed });
    expect(storedRecords(recovered, 'tasks')).toEqual(server.data.items.all());
    expect(recovered.sourceMeta.endpoints.tasks!.runs_since_full_sync).toBe(1);
  });

  it('fails the endpoint, not the run, when only a part of the pages fails mid-way', async () => {
    const first = await pullRun(tasks());
    for (let id = 1; id <= 25; id++) server.data.items.edit(id);
    server.faults.add({
      path: '/api/items-cursor',
      after: 1,
      times: Infinity,
      action: { status: 500 },
    });
    const second = await pullRun(tasks(), {
      previous: first,
      retry: { maxAttempts: 2, baseDelayMs: 5 },
    });
    // The half-fetched changes are not stored: the previous records stay, unchanged and whole.
    expect(second.files.get('tasks')).toBe(first.files.get('tasks'));
    expect(second.metas.get('tasks')!.carried_over).toBe(true);
  });
});
