import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { SnapshotsPage } from './pages/snapshots-page.js';
import { SourcesPage } from './pages/sources-page.js';
import { expect, test } from './support/fixtures.js';
import { makeDocuments } from './support/sample-data.js';

test.describe('copy to another repository', () => {
  test('copies a snapshot into a new repository, finds it there again, and opens it @screens', async ({
    app,
    workspace,
    shot,
  }) => {
    const documents = makeDocuments(workspace.root);
    const source = workspace.path('repo');
    const destination = workspace.path('offsite');

    await new ConnectPage(app).create(source, 'correct horse battery');
    const shell = new AppShell(app);
    await shell.expectOpen(source);
    const sources = new SourcesPage(app);
    await sources.addFolderByTyping(documents);
    await sources.startBackup();
    await sources.waitForSnapshot();

    await shell.goTo('snapshots');
    const snapshots = new SnapshotsPage(app);
    await expect(snapshots.rows).toHaveCount(1);
    const copy = async (create: boolean): Promise<void> => {
      await app.getByTestId('copy-open').click();
      const dialog = app.getByTestId('copy-dialog');
      await expect(dialog).toBeVisible();
      await dialog.getByTestId(create ? 'copy-mode-new' : 'copy-mode-existing').click();
      await dialog.getByTestId('copy-path').fill(destination);
      await dialog.getByTestId('copy-password').fill('another good passphrase');
      if (create) await dialog.getByTestId('copy-password-again').fill('another good passphrase');
      if (create) await shot('copy-dialog');
      await dialog.getByTestId('copy-start').click();
      await expect(dialog).toBeHidden();
    };
    const card = app.locator('[data-testid="job-card"][data-kind="copy"]');

    await copy(true);
    await expect(card).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
    await expect(card.getByTestId('job-result')).toContainText(
      `1 snapshot copied to ${destination} (a new repository)`,
    );
    await shot('copy-done');

    await copy(false);
    await expect(card.getByTestId('job-result')).toHaveText(
      'Nothing to copy: the snapshot is already there.',
      { timeout: 90_000 },
    );

    await shell.closeRepository();
    await new ConnectPage(app).open(destination, 'another good passphrase');
    await shell.expectOpen(destination);
    await shell.goTo('snapshots');
    await expect(snapshots.rows).toHaveCount(1);
    await expect(snapshots.rows.first()).toContainText('Complete');
  });
});
