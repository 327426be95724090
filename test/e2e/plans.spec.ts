/**
 * A plan made in the app runs by itself: a repository is created, a plan "every 1m" on a
 * folder is saved from the Plans screen (its password into the OS keychain), and `cairn serve`'s
 * scheduler — not the page — runs it; the plan then shows a completed last run. Paused, it stays
 * paused after a reload. config.json holds a keychain: reference, never the password.
 *
 * The server runs inside its own D-Bus session with gnome-keyring unlocked (the real Secret
 * Service), as the keychain tests do; without them the spec is skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { expect, test } from './support/fixtures.js';
import { makeDocuments } from './support/sample-data.js';

const password = 'plans-e2e-Pw-4k!Tz';
const cli = path.resolve('dist/electron/cli/index.js');
const haveSecretService = ['dbus-run-session', 'gnome-keyring-daemon'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

async function serveWithKeychain(cairnHome: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      'echo -n cairn-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"',
      'sh',
      process.execPath,
      cli,
      'serve',
      '--port',
      '0',
    ],
    {
      // A keyring of its own, created and unlocked with a known password (the user's is not touched).
      env: {
        ...process.env,
        CAIRN_HOME: cairnHome,
        XDG_DATA_HOME: path.join(cairnHome, '..', 'keyrings'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /http:\/\/\S+\?token=\S+/.exec(stdout);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`cairn serve exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

test.describe('plans made in the app @web-only', () => {
  test('run on their schedule by cairn serve, and stay paused across a reload', async ({
    page,
    workspace,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'drives cairn serve');
    test.skip(!haveSecretService, 'needs dbus-run-session and gnome-keyring');
    test.setTimeout(240_000);
    const { url, child } = await serveWithKeychain(workspace.cairnHome);
    try {
      await page.goto(url);
      const repo = workspace.path('repo');
      const documents = makeDocuments(workspace.root);
      await new ConnectPage(page).create(repo, password);
      await new AppShell(page).expectOpen(repo);

      await page.getByTestId('nav-plans').click();
      await expect(page.getByTestId('plans-empty')).toBeVisible();
      await page.getByTestId('plan-new').click();
      await page.getByTestId('plan-name').fill('documents');
      await page.getByTestId('plan-password').fill(password);
      // A folder that is not there is refused, naming it, at the folders field.
      const missing = workspace.path('not-there');
      await page.getByTestId('plan-folders').fill(missing);
      await page.getByTestId('plan-every').fill('1m');
      await expect(page.getByTestId('plan-preview')).toContainText('Next runs:');
      await page.getByTestId('plan-save').click();
      await expect(page.getByTestId('plan-error-folders')).toHaveText(`${missing} does not exist`);

      await page.getByTestId('plan-folders').fill(documents);
      await page.getByTestId('plan-save').click();
      const card = page.locator('[data-testid="plan-card"][data-plan="documents"]');
      await expect(card).toBeVisible();
      const config = readFileSync(path.join(workspace.cairnHome, 'config.json'), 'utf8');
      expect(config).toContain('"password": "keychain:');
      expect(config).not.toContain(password);

      // The scheduler's run, not one started here: the page only looks.
      await expect(card).toHaveAttribute('data-last-result', 'ok', { timeout: 180_000 });
      await expect(card.getByTestId('plan-last-run')).toContainText(', ok');

      await card.getByTestId('plan-pause').click();
      await expect(card).toHaveAttribute('data-paused', 'yes');
      await page.reload();
      // The repository stays open in cairn serve's session; with a plan, the app opens on Plans.
      await expect(page.getByTestId('plans-screen')).toBeVisible();
      await expect(card).toHaveAttribute('data-paused', 'yes');
      await expect(card.getByTestId('plan-health')).toHaveText('paused');
      await expect(card.getByTestId('plan-resume')).toBeVisible();
    } finally {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    }
  });
});
