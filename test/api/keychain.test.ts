/**
 * The OS keychain, tested against the real Secret Service. Outside a keyring session this file
 * re-runs itself under vitest inside `dbus-run-session` with gnome-keyring unlocked; inside, the
 * real tests run. A second test checks the no-keychain case gives a plain error.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openKeychain } from '../../electron/engine/credentials/keychain.js';
import { resolveSecret } from '../../electron/engine/credentials/secret-reference.js';
import { startFixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun, storedRecords } from './helpers/pull-run.js';
import {
  repoRoot,
  runCliCommand,
  runInKeyringSession,
  spawnAndWait,
} from './helpers/spawn-command.js';

const inSession = process.env.CAIRN_TEST_KEYRING_SESSION === '1';
// scripts/setup-system.sh installs these; without them the session test is skipped, as
// main's tests do for other missing system packages.
const haveSecretService = ['dbus-run-session', 'gnome-keyring-daemon'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);
const entry = (label: string) => `cairn-test-${label}-${randomBytes(4).toString('hex')}`;

describe.runIf(inSession)('OS keychain inside a Secret Service session', () => {
  it('stores, reads and deletes a secret', async () => {
    const keychain = openKeychain();
    const name = entry('roundtrip');
    expect(await keychain.get(name)).toBeNull();
    await keychain.set(name, 'pässwörd 🔑');
    expect(await keychain.get(name)).toBe('pässwörd 🔑');
    expect(await resolveSecret(`keychain:${name}`)).toBe('pässwörd 🔑');
    expect(await keychain.delete(name)).toBe(true);
    expect(await keychain.delete(name)).toBe(false);
    await expect(resolveSecret(`keychain:${name}`)).rejects.toThrow(
      `the OS keychain has no entry "${name}" (add it with: cairn secret set ${name})`,
    );
  });

  it('cairn secret set reads stdin; get prints it; delete removes it', async () => {
    const name = entry('cli');
    const set = await runCliCommand('secret', ['set', name], { input: 'from-stdin-value\n' });
    expect(set.stderr).toContain(`stored keychain entry "${name}"`);
    expect(set.code).toBe(0);
    const get = await runCliCommand('secret', ['get', name]);
    expect(get).toMatchObject({ code: 0, stdout: 'from-stdin-value\n' });
    expect((await runCliCommand('secret', ['delete', name])).code).toBe(0);
    const gone = await runCliCommand('secret', ['get', name]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`cairn secret get: the OS keychain has no entry "${name}"\n`);
  });

  it('backs up an API whose token is a keychain: reference', async () => {
    const name = entry('token');
    await openKeychain().set(name, 'kc-token-value');
    const server = await startFixtureServer({
      items: 25,
      auth: { type: 'bearer', token: 'kc-token-value' },
    });
    try {
      const run = await pullRun(
        definition({
          baseUrl: server.baseUrl,
          auth: { type: 'bearer', token: `keychain:${name}` },
          endpoints: [
            {
              name: 'items',
              path: '/items',
              records: 'data',
              pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
            },
          ],
        }),
      );
      expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    } finally {
      await server.close();
      await openKeychain().delete(name);
    }
  });

  it('a missing keychain entry fails the backup before anything runs, naming the entry', async () => {
    const name = entry('missing');
    const dir = await mkdtemp(path.join(tmpdir(), 'cairn-keychain-backup-'));
    const server = await startFixtureServer({ items: 5 });
    try {
      const source = path.join(dir, 'source.json');
      await writeFile(
        source,
        JSON.stringify({
          name: 'fixture',
          baseUrl: server.baseUrl,
          auth: { type: 'bearer', token: `keychain:${name}` },
          endpoints: [{ name: 'items', path: '/items-all', records: 'items' }],
        }),
      );
      const cli = (args: string[]) =>
        spawnAndWait(
          process.execPath,
          ['--import', 'tsx', path.join(repoRoot, 'electron/cli/index.ts'), ...args],
          { env: { ...process.env, CAIRN_PASSWORD: 'pw' } },
        );
      const repo = path.join(dir, 'repo');
      expect((await cli(['init', '--repo', repo])).code).toBe(0);
      const result = await cli(['backup', '--api', source, '--repo', repo]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `cairn: API source fixture: secret keychain:${name}: the OS keychain has no entry "${name}" (add it with: cairn secret set ${name})\n`,
      );
      expect(server.log).toEqual([]);
      expect((await cli(['snapshots', '--repo', repo, '--json'])).stdout.trim()).toBe('[]');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(inSession)('OS keychain', () => {
  it.skipIf(!haveSecretService)(
    'works against the real Secret Service (gnome-keyring in a private D-Bus session)',
    async () => {
      const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
      const result = await runInKeyringSession(
        process.execPath,
        [vitest, 'run', '--config', 'test/api/vitest.config.ts', 'test/api/keychain.test.ts'],
        { ...process.env, CAIRN_TEST_KEYRING_SESSION: '1' },
      );
      // eslint-disable-next-line no-control-regex
      const summary = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
      expect(summary, summary).toMatch(/Tests\s+4 passed/);
      expect(result.code, summary).toBe(0);
    },
  );

  it('says plainly that no keychain is available, and never falls back to plain text', async () => {
    const env = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/cairn-test-bus',
    };
    const result = await runCliCommand('secret', ['set', 'cairn-test-nokeychain'], {
      env,
      input: 'value\n',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^cairn secret set: no OS keychain is available \(on Linux: no Secret Service on the D-Bus session/,
    );
    expect(result.stderr).not.toContain('value\n');
  });
});
