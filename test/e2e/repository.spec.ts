import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { expect, test } from './support/fixtures.js';

test.describe('repository', () => {
  test('creates a repository and explains a wrong password and a missing one @screens', async ({
    app,
    workspace,
    shot,
  }) => {
    const connect = new ConnectPage(app);
    const shell = new AppShell(app);
    const repo = workspace.path('backup-drive', 'cairn');
    await connect.expectVisible();
    await shot('01-connect');

    await connect.create(repo, 'correct horse battery');
    await shell.expectOpen(repo);
    await shell.closeRepository();

    await connect.open(repo, 'not the password');
    await connect.expectError('wrong-password', /password does not unlock this repository/);
    const details = await connect.showErrorDetails();
    await expect(details).toContainText('wrong-password');
    await shot('02-wrong-password');

    await connect.open(workspace.path('no-such-drive'), 'correct horse battery');
    await connect.expectError('repository-not-found', /no Cairn repository at this location/);
    await shot('03-missing-repository');

    await connect.create(repo, 'another password');
    await connect.expectError('repository-exists', /already holds a Cairn repository/);

    await connect.open(repo, 'correct horse battery');
    await shell.expectOpen(repo);
  });
});
