/**
 * A first run leads straight to a first backup: with no repository known, the app opens on
 * "Create" with a repository in Cairn's data folder (CAIRN_HOME here) filled in; a password
 * and one click make it, and the CLI reads the backup made in it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cairnOk } from '../helpers/cairn-cli.js';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { SourcesPage } from './pages/sources-page.js';
import { expect, test } from './support/fixtures.js';

const password = 'correct horse battery staple';

test.describe('first run', () => {
  test('opens on Create with the default repository, which works with one click', async ({
    app,
    workspace,
  }) => {
    // Before: the app opened on "Open" with an empty location, and nothing was offered.
    const connect = new ConnectPage(app);
    await connect.expectVisible();
    await expect(app.getByTestId('repository-mode-create')).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const offered = path.join(workspace.cairnHome, 'repository');
    await expect(connect.location).toHaveValue(offered);
    await expect(app.getByTestId('repository-default-hint')).toBeVisible();

    // A guessable password is named as such (zxcvbn-ts), and a better one clears the warning.
    await connect.password.fill('password1');
    await expect(app.getByTestId('repository-password-weak')).toContainText(
      'This password is easy to guess. This is a commonly used password.',
    );
    await connect.password.fill(password);
    await expect(app.getByTestId('repository-password-weak')).toHaveCount(0);
    await connect.confirm.fill(password);
    await connect.submit.click();
    await new AppShell(app).expectOpen(offered);

    const documents = workspace.path('Documents');
    mkdirSync(documents);
    writeFileSync(path.join(documents, 'letter.txt'), 'Dear reader\n');
    const sources = new SourcesPage(app);
    await sources.addFolderByTyping(documents);
    await sources.startBackup();
    const shortId = await sources.waitForSnapshot();
    const listed = JSON.parse(
      (await cairnOk(['snapshots', '--repo', offered, '--json'])).stdout,
    ) as { short_id: string }[];
    expect(listed.map((s) => s.short_id)).toEqual([shortId]);
  });

  test('creating a repository in a folder that holds other files is refused, saying why', async ({
    app,
    workspace,
  }) => {
    const folder = workspace.path('Pictures');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'holiday.jpg'), 'not really a picture');
    await new ConnectPage(app).create(folder, password);
    await new ConnectPage(app).expectError(
      'invalid-argument',
      /is not empty; a repository needs an empty or new folder/,
    );
  });
});
