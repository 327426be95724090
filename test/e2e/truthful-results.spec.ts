/**
 * Results that tell the truth: what "Back up now" saves is what the editor shows at that
 * moment, a run in which every endpoint failed is a failure, and damage the engine worked
 * around is shown — against the built `cairn serve`, the project's fixture API and the CLI.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFixtureServer } from '../fixtures/api-server/server.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { SourcesPage } from './pages/sources-page.js';
import { expect, test } from './support/fixtures.js';

const password = 'correct horse battery staple';

test.describe('results that tell the truth', () => {
  test('"Back up now" right after pasting backs up the pasted definition', async ({
    app,
    workspace,
  }) => {
    // Before: the editor handed its text over after a pause, so the job went without it.
    const server = await startFixtureServer({ items: 7 });
    try {
      const repo = workspace.path('repo');
      await new ConnectPage(app).create(repo, password);
      await new AppShell(app).expectOpen(repo);
      const definition = {
        name: 'tracker',
        baseUrl: server.baseUrl,
        endpoints: [{ name: 'items', path: '/items', records: 'data' }],
      };
      await app.getByTestId('api-source-paste').click();
      await app.getByTestId('api-source-text').fill(JSON.stringify(definition));
      const sources = new SourcesPage(app);
      await sources.startBackup(); // at once: no wait for the validation's ✓
      await sources.waitForSnapshot();

      const snapshots = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout);
      expect(snapshots).toHaveLength(1);
      const listing = (await cairnOk(['ls', '--repo', repo, 'latest', '/api/tracker'])).stdout;
      expect(listing).toContain('/api/tracker/items.ndjson');
      expect(listing).toContain('/api/tracker/items.meta.json');
    } finally {
      await server.close();
    }
  });

  test('a run whose every endpoint fails shows as failed, each reason once', async ({
    app,
    workspace,
  }) => {
    // Before: a snapshot of nothing new was saved and the job showed a green "Done".
    const server = await startFixtureServer({ items: 5, projects: 2 });
    for (const p of ['/api/items', '/api/projects'])
      server.faults.add({ path: p, times: Infinity, action: { status: 404 } });
    try {
      const repo = workspace.path('repo');
      await new ConnectPage(app).create(repo, password);
      await new AppShell(app).expectOpen(repo);
      await app.getByTestId('api-source-paste').click();
      await app.getByTestId('api-source-text').fill(
        JSON.stringify({
          name: 'tracker',
          baseUrl: server.baseUrl,
          endpoints: [
            { name: 'items', path: '/items', records: 'data' },
            { name: 'projects', path: '/projects', records: 'data' },
          ],
        }),
      );
      const sources = new SourcesPage(app);
      await sources.startBackup();
      await expect(sources.jobCard).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
      await expect(sources.jobCard.getByTestId('job-status')).toHaveText('Failed');
      const error = sources.jobCard.getByTestId('job-error');
      await expect(error).toContainText(
        'API source tracker: every endpoint failed, so no snapshot was saved',
      );
      await expect(error).toContainText('items, projects: HTTP 404');
      expect(((await error.textContent()) ?? '').split('HTTP 404').length - 1).toBe(1);
      const snapshots = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout);
      expect(snapshots).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a damaged snapshot file is shown as a warning, and repaired from the app', async ({
    app,
    workspace,
  }) => {
    // Before: the session passed no onWarning; the snapshot simply vanished from the list.
    const documents = workspace.path('Documents');
    mkdirSync(documents);
    writeFileSync(path.join(documents, 'letter.txt'), 'Dear reader\n');
    const repo = workspace.path('repo');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', documents, '--repo', repo]);
    writeFileSync(path.join(documents, 'letter.txt'), 'Dear reader, again\n');
    await cairnOk(['backup', documents, '--repo', repo]);
    const snapshotDir = path.join(repo, 'snapshots');
    const [damaged] = readdirSync(snapshotDir).sort();
    const file = path.join(snapshotDir, damaged!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(file, bytes);

    await new ConnectPage(app).open(repo, password);
    const shell = new AppShell(app);
    await shell.expectOpen(repo);
    await shell.goTo('snapshots');
    const warning = app.getByTestId('repository-warnings');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('1 damaged file');
    await expect(warning).toContainText(
      `snapshot file ${damaged!.slice(0, 8)}… is damaged and was skipped; \`cairn repair snapshots\` removes it`,
    );
    await expect(app.getByTestId('snapshot-row')).toHaveCount(1);

    // Repair: previewed first (nothing changes), then done; the damaged file is gone.
    await expect(warning.getByTestId('repair-start')).toBeDisabled();
    await warning.getByTestId('repair-preview').click();
    const job = app.locator('[data-testid="job-card"][data-kind="repair"]');
    await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
    await expect(job.getByTestId('repair-verdict')).toContainText(
      '1 snapshot would be repaired or removed',
    );
    await expect(job.getByTestId('repair-lines')).toContainText(
      `snapshot file ${damaged!.slice(0, 8)} is damaged`,
    );
    expect(readdirSync(snapshotDir)).toContain(damaged);
    await warning.getByTestId('repair-start').click();
    await expect(job.getByTestId('repair-verdict')).toContainText(
      '1 snapshot was repaired or removed',
    );
    await expect(warning).toBeHidden();
    expect(readdirSync(snapshotDir)).not.toContain(damaged);
    await expect(app.getByTestId('snapshot-row')).toHaveCount(1);
    await cairnOk(['check', '--repo', repo]);
  });
});
