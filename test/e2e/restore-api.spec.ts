/**
 * "Restore records into the API…" in the app, against the fixture API with its write routes:
 * back up with the CLI, wipe the server, preview the restore with the definition the snapshot
 * keeps or one pasted (the server receives no write),
 * restore, and find the server's records equal to the originals field by field — projects
 * under new ids, tasks pointing at them — except the one the server refuses, which the report
 * lists with the server's reason.
 */
import { writeFileSync } from 'node:fs';
import type { FixtureRecord } from '../fixtures/api-server/dataset.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { wipe } from '../fixtures/api-server/writes.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { BrowserPage } from './pages/browser-page.js';
import { ConnectPage } from './pages/connect-page.js';
import { SnapshotsPage } from './pages/snapshots-page.js';
import { expect, test } from './support/fixtures.js';

// The password cairn-cli.ts gives the CLI.
const password = 'correct horse battery staple';

function definition(baseUrl: string, token?: string): string {
  const page = { type: 'page', sizeParam: 'per_page', size: 100 };
  return JSON.stringify({
    name: 'fixture',
    baseUrl,
    ...(token ? { auth: { type: 'bearer', token } } : {}),
    limits: { concurrency: 2 },
    endpoints: [
      { name: 'projects', path: '/projects', records: 'data', pagination: page },
      { name: 'tasks', path: '/tasks', records: 'data', pagination: page },
    ],
    restore: {
      projects: { method: 'POST', path: '/projects', omit: ['id', 'updated_at'], idMap: true },
      tasks: {
        method: 'PUT',
        path: '/tasks/{id}',
        omit: ['id', 'updated_at'],
        refs: { project_id: 'projects' },
      },
    },
  });
}

/** The server's records without what it sets itself; tasks name their project by title. */
function picture(api: FixtureServer) {
  const strip = ({ id: _id, updated_at: _u, ...rest }: FixtureRecord) => rest;
  const projects = api.data.projects.all();
  const titleOf = new Map(projects.map((p) => [p.id, p.title]));
  return {
    projects: projects.map(strip).sort((a, b) => String(a.title).localeCompare(String(b.title))),
    tasks: api.data.tasks.all().map((t) => ({
      ...strip(t),
      id: t.id,
      project_id: titleOf.get(t.project_id as number) ?? 'missing',
    })),
  };
}

test.describe('restore records into an API @web-only', () => {
  test('previews the requests, restores a wiped API and reports the refused record', async ({
    app,
    workspace,
    shot,
  }) => {
    const api = await startFixtureServer({ projects: 3, tasks: 6, items: 0 });
    try {
      const repo = workspace.path('repo');
      const source = workspace.path('fixture.source.json');
      const text = definition(api.baseUrl);
      writeFileSync(source, text);
      const env = { env: { CAIRN_HOME: workspace.cairnHome } };
      await cairnOk(['init', '--repo', repo], env);
      await cairnOk(['backup', '--api', source, '--repo', repo], env);
      const original = picture(api);
      expect(original.tasks).toHaveLength(6);
      wipe(api.data);
      const snaps = JSON.parse(
        (await cairnOk(['snapshots', '--repo', repo, '--json'], env)).stdout,
      ) as { short_id: string }[];

      await new ConnectPage(app).open(repo, password);
      await app.getByTestId('nav-snapshots').click();
      await new SnapshotsPage(app).open(snaps[0]!.short_id);
      await new BrowserPage(app).select('/api/fixture/tasks.ndjson');
      await app.getByTestId('api-restore-open').click();
      const panel = app.getByTestId('api-restore-panel');
      // No definition given: the one the snapshot keeps (what the backup ran with) is used.
      await expect(panel.getByTestId('api-restore-definition')).toHaveValue('');
      await expect(panel.getByTestId('api-restore-kept-definition')).toBeVisible();

      const logged = api.log.length;
      await panel.getByTestId('api-restore-preview-start').click();
      // The tasks' projects first (under ids the API will assign), then the tasks.
      const requests = panel.getByTestId('api-restore-request');
      await expect(requests).toHaveCount(9);
      await expect(requests.first()).toContainText(`POST ${api.baseUrl}/projects`);
      await expect(requests.last()).toContainText(`PUT ${api.baseUrl}/tasks/`);
      expect(api.log.slice(logged)).toEqual([]);
      expect(api.writes.applied).toBe(0);
      await shot('api-restore-preview');

      api.faults.add({
        path: '/api/tasks/3',
        method: 'PUT',
        times: Infinity,
        action: { status: 422, body: '{"error":"title taken"}' },
      });
      await panel.getByTestId('api-restore-start').click();
      const job = panel.getByTestId('job-card');
      await expect(job).toHaveAttribute('data-status', 'succeeded');
      await expect(job).toHaveAttribute('data-outcome', 'incomplete');
      await expect(job.getByTestId('api-restore-counts')).toContainText('8 records restored into');
      await expect(job.getByTestId('api-restore-failed')).toContainText(
        `tasks/3: PUT ${api.baseUrl}/tasks/3: HTTP 422 Unprocessable Entity`,
      );
      await expect(job.getByTestId('api-restore-files')).toContainText('id-maps');
      await shot('api-restore-report');

      const restored = picture(api);
      expect(restored.projects).toEqual(original.projects);
      expect(restored.tasks).toEqual(original.tasks.filter((t) => t.id !== 3));
    } finally {
      await api.close();
    }
  });

  test('restores into another, empty server with another credential', async ({
    app,
    workspace,
  }) => {
    const first = await startFixtureServer({
      projects: 2,
      tasks: 3,
      items: 0,
      auth: { type: 'bearer', token: 'first-token-7a1' },
    });
    const other = await startFixtureServer({
      projects: 0,
      tasks: 0,
      items: 0,
      auth: { type: 'bearer', token: 'other-token-93c' },
    });
    try {
      const repo = workspace.path('repo');
      const source = workspace.path('fixture.source.json');
      const text = definition(first.baseUrl, 'first-token-7a1');
      writeFileSync(source, text);
      const env = { env: { CAIRN_HOME: workspace.cairnHome } };
      await cairnOk(['init', '--repo', repo], env);
      await cairnOk(['backup', '--api', source, '--repo', repo], env);
      const snaps = JSON.parse(
        (await cairnOk(['snapshots', '--repo', repo, '--json'], env)).stdout,
      ) as { short_id: string }[];

      await new ConnectPage(app).open(repo, password);
      await app.getByTestId('nav-snapshots').click();
      await new SnapshotsPage(app).open(snaps[0]!.short_id);
      await new BrowserPage(app).select('/api/fixture/tasks.ndjson');
      await app.getByTestId('api-restore-open').click();
      const panel = app.getByTestId('api-restore-panel');
      await panel.getByTestId('api-restore-definition').fill(text);
      await panel.getByTestId('api-restore-target-other').check();
      await panel.getByTestId('api-restore-base-url').fill(other.baseUrl);
      await panel.getByTestId('api-restore-secret').fill('other-token-93c');
      await panel.getByTestId('api-restore-preview-start').click();
      const requests = panel.getByTestId('api-restore-request');
      await expect(requests).toHaveCount(5);
      await expect(requests.first()).toContainText(`POST ${other.baseUrl}/projects`);
      await panel.getByTestId('api-restore-start').click();
      const job = panel.getByTestId('job-card');
      await expect(job).toHaveAttribute('data-status', 'succeeded');
      await expect(job.getByTestId('api-restore-counts')).toContainText('5 records restored into');
      expect(picture(other)).toEqual(picture(first));
      expect(first.writes.applied).toBe(0);
      // The credential was used, never kept in the browser's storage.
      expect(
        await app.evaluate('JSON.stringify(localStorage) + JSON.stringify(sessionStorage)'),
      ).not.toContain('other-token-93c');
    } finally {
      await first.close();
      await other.close();
    }
  });
});
