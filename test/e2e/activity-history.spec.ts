/**
 * What the app sets up lives with the engine, under CAIRN_HOME, not in the browser: after
 * `cairn serve` restarts (same CAIRN_HOME) and the page reloads, the repository is offered
 * again and the Activity screen still has every job with its result and log. A running job is
 * followed and cancelled from Activity. No secret used is in any file Cairn wrote, nor in the
 * browser's storage.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ActivityPage } from './pages/activity-page.js';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { SourcesPage } from './pages/sources-page.js';
import { startCairnServe } from './support/cairn-serve.js';
import { expect, test } from './support/fixtures.js';
import { makeDocuments, makeSparseImage } from './support/sample-data.js';

const password = 'activity-e2e-Pw-7q!Zr';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

test.describe('activity and recent repositories under CAIRN_HOME @web-only', () => {
  test('survive a restart of cairn serve and a reload, with each job’s log', async ({
    app,
    served,
    workspace,
    shot,
  }) => {
    test.skip(served === null, 'restarts cairn serve');
    const repo = workspace.path('repo');
    const documents = makeDocuments(workspace.root);
    const image = makeSparseImage(workspace.root, 8);

    await new ConnectPage(app).create(repo, password);
    const shell = new AppShell(app);
    await shell.expectOpen(repo);
    const sources = new SourcesPage(app);
    await sources.addFolderByTyping(documents);
    await sources.startBackup();
    const snapshot = await sources.waitForSnapshot();

    // A long backup, followed and cancelled from Activity.
    await sources.removeFolder(documents);
    await sources.addFolderByTyping(image);
    await sources.startBackup();
    await shell.goTo('activity');
    const activity = new ActivityPage(app);
    const running = activity.run('running').getByTestId('job-card');
    await expect(running.getByTestId('job-rate')).toContainText('/s');
    await expect(running.getByTestId('job-eta')).toBeVisible();
    await running.getByTestId('job-cancel').click();
    await expect(activity.run('cancelled')).toHaveCount(1, { timeout: 60_000 });
    await expect(activity.runs).toHaveCount(2);

    // Restart the server on the same CAIRN_HOME; the page comes back to it.
    await served!.stop();
    const again = await startCairnServe(workspace.cairnHome);
    try {
      await app.goto(again.url);
      const connect = new ConnectPage(app);
      await connect.expectVisible();
      await expect(connect.location).toHaveValue(repo);
      await connect.password.fill(password);
      await connect.submit.click();
      await shell.expectOpen(repo);

      await shell.goTo('activity');
      await expect(activity.runs).toHaveCount(2);
      const done = activity.run('ok');
      await expect(done.getByTestId('run-snapshot')).toHaveText(snapshot.slice(0, 8));
      await expect(done.getByTestId('run-summary')).toContainText('new files');
      const log = await activity.log(done);
      await expect(log).toContainText(`Backing up ${documents} to ${repo}`);
      await expect(log).toContainText('backup ended: ok');
      await expect(activity.run('cancelled').getByTestId('run-result')).toHaveText('Cancelled');
      await shot('activity-after-restart');

      await activity.filter({ result: 'cancelled' });
      await expect(activity.runs).toHaveCount(1);
      await expect(activity.runs.first()).toHaveAttribute('data-result', 'cancelled');
      await activity.filter({ result: 'ok' });
      await expect(activity.runs).toHaveCount(1);
      await expect(activity.runs.first().getByTestId('run-snapshot')).toHaveText(
        snapshot.slice(0, 8),
      );
      await activity.filter({ result: 'all', plan: 'app' });
      await expect(activity.runs).toHaveCount(2);

      // The secret is nowhere Cairn wrote, nor in the browser's storage.
      const files = filesUnder(workspace.cairnHome);
      expect(files.map((f) => path.relative(workspace.cairnHome, f))).toEqual(
        expect.arrayContaining(['config.json', 'activity/runs.ndjson']),
      );
      for (const file of files) {
        expect(readFileSync(file).includes(password), file).toBe(false);
      }
      const storage = await app.evaluate('JSON.stringify({ ...localStorage })');
      expect(storage).not.toContain(password);
      expect(storage).not.toContain('cairn.recent-repositories');
    } finally {
      await again.stop();
    }
  });
});
