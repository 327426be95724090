/**
 * An API source from the UI: pasted, tested (first page per endpoint), backed up with
 * "Back up now", browsed to /api/<source>/<endpoint>.ndjson and previewed — against the
 * project's fixture API on 127.0.0.1 with a random port, started and stopped by the test.
 */
import { startFixtureServer } from '../fixtures/api-server/server.js';
import { ApiSourceEditor } from './pages/api-source-editor.js';
import { AppShell } from './pages/app-shell.js';
import { BrowserPage } from './pages/browser-page.js';
import { ConnectPage } from './pages/connect-page.js';
import { SnapshotsPage } from './pages/snapshots-page.js';
import { SourcesPage } from './pages/sources-page.js';
import { expect, test } from './support/fixtures.js';

// The token reaches the engine (`cairn serve` or Electron inherits this environment) as an
// `env:` reference: the definition the user pastes holds no secret.
const token = 'e2e-fixture-token-7f3a';
process.env.CAIRN_E2E_API_TOKEN = token;

test.describe('API sources', () => {
  test('tests an API source, backs it up and previews its records @screens', async ({
    app,
    workspace,
    shot,
  }) => {
    const server = await startFixtureServer({
      items: 23,
      projects: 3,
      commentsPerProject: 2,
      auth: { type: 'bearer', token },
    });
    try {
      await new ConnectPage(app).create(workspace.path('repo'), 'correct horse battery');
      const shell = new AppShell(app);
      await shell.expectOpen(workspace.path('repo'));

      const editor = new ApiSourceEditor(app);
      await editor.paste(
        {
          name: 'tracker',
          baseUrl: server.baseUrl,
          auth: { type: 'bearer', token: 'env:CAIRN_E2E_API_TOKEN' },
          endpoints: [
            {
              name: 'items',
              path: '/items',
              records: 'data',
              pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
            },
            { name: 'projects', path: '/projects', records: 'data' },
          ],
        },
        /tracker: 2 endpoints \(items, projects\)/,
      );

      // The test request: the first page of each endpoint, with the records the server holds.
      await editor.test();
      const items = editor.endpoint('items');
      await expect(items.getByTestId('api-test-summary')).toContainText(
        '10 records found on the first page (first 5 shown)',
      );
      await expect(items.getByTestId('api-test-next-page')).toContainText('page=2');
      await expect(items.getByTestId('api-test-record')).toHaveCount(5);
      await expect(items.getByTestId('api-test-record').first()).toContainText('"items 1"');
      await expect(editor.endpoint('projects').getByTestId('api-test-summary')).toContainText(
        '3 records found on the first page',
      );
      await expect(editor.testResult).not.toContainText(token);
      await shot('14-api-source-test');

      // Back up now: the API source alone makes one snapshot.
      const sources = new SourcesPage(app);
      await sources.startBackup();
      const shortId = await sources.waitForSnapshot();
      const made = sources.jobCard.locator('[data-testid="job-snapshot"][data-source="tracker"]');
      await expect(made).toContainText('API source tracker');
      await expect(sources.jobCard.getByTestId('job-snapshot-incomplete')).toHaveCount(0);
      await shot('15-api-backup-done');

      await shell.goTo('snapshots');
      const snapshots = new SnapshotsPage(app);
      await expect(snapshots.row(shortId)).toContainText('Complete');
      await snapshots.open(shortId);
      const browser = new BrowserPage(app);
      await browser.select('/api/tracker/items.ndjson');
      const records = browser.preview.getByTestId('preview-record');
      await expect(records).toHaveCount(23);
      // Record 17 as the fixture server holds it, one pretty-printed record per entry.
      const held = server.data.items.record(17);
      expect(held).toBeDefined();
      const record17 = records.nth(16);
      expect(JSON.parse((await record17.textContent()) ?? '')).toEqual(held);
      // One record per line; the selected one pretty-printed.
      await record17.click();
      await expect(record17).toHaveAttribute('aria-expanded', 'true');
      await expect(record17).toContainText('"title": "items 17"');
      expect(JSON.parse((await record17.textContent()) ?? '')).toEqual(held);
      await record17.scrollIntoViewIfNeeded();
      await shot('16-api-records-preview');
    } finally {
      await server.close();
    }
  });

  test('a backup whose API secret is not set fails at once, naming it', async ({
    app,
    workspace,
  }) => {
    // Before: the job saved an incomplete snapshot and showed a green "Done".
    const server = await startFixtureServer({ items: 5, auth: { type: 'bearer', token } });
    try {
      await new ConnectPage(app).create(workspace.path('repo'), 'correct horse battery');
      await new AppShell(app).expectOpen(workspace.path('repo'));
      await new ApiSourceEditor(app).paste(
        {
          name: 'tracker',
          baseUrl: server.baseUrl,
          auth: { type: 'bearer', token: 'env:CAIRN_E2E_UNSET_TOKEN' },
          endpoints: [{ name: 'items', path: '/items', records: 'data' }],
        },
        /tracker: 1 endpoint/,
      );
      const sources = new SourcesPage(app);
      await sources.startBackup();
      await expect(sources.jobCard).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
      await expect(sources.jobCard.getByTestId('job-status')).toHaveText('Failed');
      await expect(sources.jobCard.getByTestId('job-error')).toContainText(
        'API source tracker: secret env:CAIRN_E2E_UNSET_TOKEN: environment variable CAIRN_E2E_UNSET_TOKEN is not set',
      );
      await expect(sources.jobCard.getByTestId('job-result')).toHaveCount(0);
      expect(server.log).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
