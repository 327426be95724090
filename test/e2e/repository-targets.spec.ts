/**
 * The repository screen's remote targets against real servers on 127.0.0.1: a WebDAV
 * repository added through its form (Test connection says what it found, a wrong password is
 * refused in words, the password never lands in the browser's storage or Cairn's folder), and
 * an SFTP server whose host key fingerprint is shown, and trusted only when asked to.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ed25519KeyPair } from '../helpers/ssh-key-pair.js';
import { missingProgram, startRclone } from '../fixtures/target-servers/servers.js';
import { AppShell } from './pages/app-shell.js';
import { expect, test } from './support/fixtures.js';

const rcloneMissing = missingProgram('rclone');
const davPassword = `dav p@ss:w/rd%"'#?`;

/** Every file's text under a folder, to look for a secret in it. */
function textUnder(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => readFileSync(file, 'latin1'))
    .join('\n');
}

test.describe('remote repository targets @web-only', () => {
  test.skip(rcloneMissing !== undefined, rcloneMissing ?? '');

  test('adds a WebDAV repository through its form; Test connection reports, a wrong password is refused', async ({
    app,
    workspace,
    shot,
  }) => {
    const server = await startRclone('webdav', {
      root: workspace.path('dav'),
      user: 'ana',
      pass: davPassword,
    });
    // An empty folder there already, so the test can try writing into it.
    mkdirSync(workspace.path('dav', 'cairn'), { recursive: true });
    try {
      await app.getByTestId('repository-mode-create').click();
      await app.getByTestId('target-kind').selectOption('webdav');
      await app.getByTestId('target-url').fill(`http://127.0.0.1:${server.port}/cairn`);
      await app.getByTestId('target-user').fill('ana');
      await app.getByTestId('target-password').fill('not the password');
      const location = `webdav:http://ana@127.0.0.1:${server.port}/cairn`;
      await expect(app.getByTestId('target-location')).toHaveText(location);

      await app.getByTestId('target-test').click();
      const result = app.getByTestId('target-test-result');
      await expect(result).toHaveAttribute('data-state', 'failed');
      await expect(app.getByTestId('target-test-error')).toContainText(
        'the server refused the credentials',
      );
      await shot('target-webdav-wrong-password');

      await app.getByTestId('target-password').fill(davPassword);
      await app.getByTestId('target-test').click();
      await expect(result).toHaveAttribute('data-state', 'passed');
      await expect(result).toContainText(/Connected in [\d.]+ ms/);
      await expect(app.getByTestId('target-test-repository')).toHaveText(
        'No repository there yet: you can create one.',
      );
      await expect(app.getByTestId('target-test-writable')).toHaveText('Cairn can write there.');
      await shot('target-webdav-tested');

      await app.getByTestId('repository-password').fill('correct horse battery');
      await app.getByTestId('repository-password-confirm').fill('correct horse battery');
      await app.getByTestId('repository-submit').click();
      await new AppShell(app).expectOpen(location);
      expect(existsSync(path.join(workspace.path('dav'), 'cairn', 'config'))).toBe(true);

      // The password is nowhere the browser or Cairn keeps things.
      // The recent list lives under CAIRN_HOME (config.json), not in the browser.
      const browser = await app.evaluate('JSON.stringify({ ...localStorage })');
      expect(browser).not.toContain(davPassword);
      expect(browser).not.toContain(encodeURIComponent(davPassword));
      const stored = textUnder(workspace.cairnHome);
      expect(stored).toContain(location);
      expect(stored).not.toContain(davPassword);
      expect(stored).not.toContain(encodeURIComponent(davPassword));
      // With an OS keychain the page keeps its reference; without one, it is told.
      const notice = app.getByTestId('credentials-notice');
      if (process.env.DBUS_SESSION_BUS_ADDRESS) {
        expect(stored).toContain('keychain:repository-');
        await expect(notice).toHaveCount(0);
        // Opened again from the recent list: the keychain answers for the WebDAV password.
        const shell = new AppShell(app);
        await shell.closeRepository();
        await expect(app.getByTestId('repository-location')).toHaveValue(location);
        await app.getByTestId('repository-password').fill('correct horse battery');
        await app.getByTestId('repository-submit').click();
        await shell.expectOpen(location);
      } else {
        await expect(notice).toContainText('kept for this session only');
      }
    } finally {
      await server.stop();
    }
  });

  test('shows an SFTP server’s host key fingerprint and trusts it only when asked', async ({
    app,
    workspace,
    shot,
  }) => {
    const pair = ed25519KeyPair();
    const hostKey = workspace.path('host-key');
    writeFileSync(hostKey, pair.private, { mode: 0o600 });
    const blob = Buffer.from(pair.public.split(' ')[1]!, 'base64');
    const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
    const server = await startRclone('sftp', {
      root: workspace.path('sftp'),
      user: 'ana',
      pass: 'sftp secret',
      hostKeys: [hostKey],
    });
    const knownHosts = path.join(workspace.cairnHome, 'known_hosts');
    try {
      await app.getByTestId('repository-mode-create').click();
      await app.getByTestId('target-kind').selectOption('sftp');
      await app.getByTestId('target-host').fill('127.0.0.1');
      await app.getByTestId('target-port').fill(String(server.port));
      await app.getByTestId('target-user').fill('ana');
      await app.getByTestId('target-remotePath').fill('/repo');
      await app.getByTestId('target-password').fill('sftp secret');
      await expect(app.getByTestId('target-location')).toHaveText(
        `sftp:ana@127.0.0.1:${server.port}/repo`,
      );

      await app.getByTestId('target-test').click();
      const question = app.getByTestId('host-key-question');
      await expect(question).toHaveAttribute('data-status', 'new');
      await expect(app.getByTestId('host-key-fingerprint')).toHaveText(
        `ssh-ed25519 ${fingerprint}`,
      );
      await shot('target-sftp-host-key');
      // Nothing trusted, nothing tested yet.
      expect(existsSync(knownHosts)).toBe(false);
      await expect(app.getByTestId('target-test-result')).toHaveCount(0);

      await app.getByTestId('host-key-cancel').click();
      await expect(question).toHaveCount(0);
      expect(existsSync(knownHosts)).toBe(false);

      await app.getByTestId('target-test').click();
      await app.getByTestId('host-key-trust').click();
      await expect(app.getByTestId('target-test-result')).toHaveAttribute('data-state', 'passed');
      expect(readFileSync(knownHosts, 'utf8')).toBe(
        `[127.0.0.1]:${server.port} ${pair.public.split(' ').slice(0, 2).join(' ')}\n`,
      );

      // Trusted now: the next test asks nothing.
      await app.getByTestId('target-test').click();
      await expect(app.getByTestId('target-test-result')).toHaveAttribute('data-state', 'passed');
      await expect(question).toHaveCount(0);
    } finally {
      await server.stop();
    }
  });
});
