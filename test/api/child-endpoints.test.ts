import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commentsOf } from '../fixtures/api-server/routes.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun, storedRecords } from './helpers/pull-run.js';

let server: FixtureServer;
beforeEach(async () => {
  server = await startFixtureServer({ projects: 6, commentsPerProject: 7 });
});
afterEach(() => server.close());

const source = (endpoints?: string[]) => ({
  def: definition({
    baseUrl: server.baseUrl,
    limits: { concurrency: 3 },
    endpoints: [
      {
        name: 'comments',
        path: '/projects/{projects.id}/comments',
        records: '$',
        pagination: { type: 'link' },
      },
      {
        name: 'projects',
        path: '/projects',
        records: 'data',
        pagination: { type: 'page', sizeParam: 'per_page', size: 4 },
      },
    ],
  }),
  endpoints,
});

/** What the server holds: every comment with its project's id, ordered by (id, $parent). */
function expectedComments() {
  const all = server.data.projects.all().flatMap((project) =>
    commentsOf(server.data, project.id as number)
      .all()
      .map((c) => ({ ...c, $parent: project.id })),
  );
  return all.sort(
    (a, b) => (a.id as number) - (b.id as number) || (a.$parent as number) - (b.$parent as number),
  );
}

describe('child endpoints', () => {
  it('fetches each parent\'s children (all pages) and tags each with "$parent"', async () => {
    const { def } = source();
    const run = await pullRun(def);
    expect([...run.metas.keys()]).toEqual(['projects', 'comments']); // parents first
    expect(storedRecords(run, 'projects')).toEqual(server.data.projects.all());
    const comments = storedRecords(run, 'comments');
    expect(comments).toEqual(expectedComments());
    expect(comments).toHaveLength(5 * 7); // project 2 has none
    expect(run.metas.get('comments')!.parents).toBe(6);
  });

  it('says which parents had no value for the child path, instead of skipping them silently', async () => {
    // Four projects name their comments' folder by a field the other two lack.
    for (const id of [1, 3, 4, 6]) server.data.projects.edit(id, { folder: id });
    const { def } = source();
    def.endpoints[0]!.path = '/projects/{projects.folder}/comments';
    const run = await pullRun(def);
    const meta = run.metas.get('comments')!;
    expect(meta.parents).toBe(4);
    expect(meta.parents_skipped).toEqual({ count: 2, examples: ['2', '5'] });
    expect(
      storedRecords(run, 'comments').map((c) => (c as { $parent: number }).$parent),
    ).not.toContain(5);
  });

  it('fetches the parent too when only the child is asked for', async () => {
    const { def, endpoints } = source(['comments']);
    const run = await pullRun(def, { endpoints });
    expect(storedRecords(run, 'comments')).toEqual(expectedComments());
  });

  it('follows inserts and deletions of parents and children between runs', async () => {
    const { def } = source();
    const first = await pullRun(def);
    const added = server.data.projects.insert({ title: 'new project' });
    commentsOf(server.data, added.id as number).insert({ title: 'first comment' });
    server.data.projects.delete(3);
    commentsOf(server.data, 1).delete(2);
    commentsOf(server.data, 4).edit(5, { title: 'edited' });
    const second = await pullRun(def, { previous: first });
    expect(storedRecords(second, 'projects')).toEqual(server.data.projects.all());
    expect(storedRecords(second, 'comments')).toEqual(expectedComments());
  });

  it('fails the child, with the parent named, when the parent fails', async () => {
    const { def } = source();
    const first = await pullRun(def);
    server.faults.add({ path: '/api/projects', times: Infinity, action: { status: 500 } });
    const second = await pullRun(def, { previous: first, retry: { maxAttempts: 1 } });
    const meta = second.metas.get('comments')!;
    expect(meta.status).toBe('failed');
    expect(meta.error?.message).toBe(
      'its parent endpoint projects failed, so its records could not be listed',
    );
    expect(meta.carried_over).toBe(true);
    expect(second.files.get('comments')).toBe(first.files.get('comments'));
  });
});
