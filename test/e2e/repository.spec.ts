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

    // By keyboard alone: type the location, Tab past "Browse…" to the password, Enter.
    await app.getByTestId('repository-mode-open').click();
    await connect.location.fill('');
    await connect.location.focus();
    await app.keyboard.type(repo);
    await app.keyboard.press('Tab');
    await app.keyboard.press('Tab');
    await expect(connect.password).toBeFocused();
    await app.keyboard.type('correct horse battery');
    await app.keyboard.press('Enter');
    await shell.expectOpen(repo);

    // The host keeps the open repository: a reload does not ask for the password again.
    await app.reload();
    await shell.expectOpen(repo);
  });
});
