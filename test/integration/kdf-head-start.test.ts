/**
 * The CLI's head start on the key derivation (cli/kdf-head-start.ts): after a repository was
 * opened once, the CLI keeps its key slot's scrypt parameters under CAIRN_HOME/cache/kdf/ and
 * derives with them before loading the engine. What users must see: nothing secret is kept, a
 * wrong password is still refused the same way, and a changed password opens at once, after
 * which the kept parameters are the new key's.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the key derivation started before the engine loads', () => {
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'src');
  const kept = path.join(home, 'cache', 'kdf');
  const env = { CAIRN_HOME: home, CAIRN_PASSWORD: 'first password, long enough' };

  /** The scrypt parameters of the repository's key files. */
  const keyParams = (): unknown[] =>
    readdirSync(path.join(repo, 'keys')).map((f) => {
      const { N, r, p, salt } = JSON.parse(readFileSync(path.join(repo, 'keys', f), 'utf8'))
        .kdf as Record<string, unknown>;
      return { N, r, p, salt };
    });
  const keptParams = (): unknown[] =>
    readdirSync(kept).map((f) => JSON.parse(readFileSync(path.join(kept, f), 'utf8')) as unknown);

  it("keeps the opened key's parameters and nothing else", async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'kept\n');
    await cairnOk(['init', '--repo', repo], { env });
    await cairnOk(['backup', src, '--repo', repo], { env });
    expect(keptParams()).toEqual(keyParams());
    const text = readdirSync(kept)
      .map((f) => f + readFileSync(path.join(kept, f), 'utf8'))
      .join();
    expect(text).not.toContain('first password');
    expect(text).not.toContain(repo);
  });

  it('a wrong password is refused as before', async () => {
    const res = await cairn(['snapshots', '--repo', repo], {
      env: { ...env, CAIRN_PASSWORD: 'not the password' },
    });
    expect(res.code).toBe(12);
    expect(res.stderr).toBe(`cairn: wrong password for repository at ${repo}\n`);
  });

  it('a changed password opens at once, and its parameters are kept from then on', async () => {
    await cairnOk(['key', 'passwd', '--repo', repo], {
      env: { ...env, CAIRN_NEW_PASSWORD: 'second password, long enough' },
    });
    const second = { ...env, CAIRN_PASSWORD: 'second password, long enough' };
    // The kept parameters are still the removed key's: this run derives twice, and opens.
    expect(keptParams()).not.toEqual(keyParams());
    const out = path.join(dir, 'out');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo], { env: second });
    expect(readFileSync(path.join(out, 'src', 'a.txt'), 'utf8')).toBe('kept\n');
    expect(keptParams()).toEqual(keyParams());
    expect((await cairn(['snapshots', '--repo', repo], { env })).code).toBe(12);
  });

  it('a password file that is a pipe (read once) opens the repository', () => {
    // Both the head start and the command want the password; a pipe gives it only once.
    const res = spawnSync(
      'bash',
      ['-c', `CAIRN_PASSWORD_FILE=<(printf '%s\\n' "$PW") "$NODE" "$CLI" snapshots --repo "$REPO"`],
      {
        env: {
          ...process.env,
          CAIRN_HOME: home,
          CAIRN_PASSWORD: '',
          PW: 'second password, long enough',
          NODE: process.execPath,
          CLI,
          REPO: repo,
        },
        encoding: 'utf8',
      },
    );
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain('1 snapshot(s)');
  });

  it('a damaged parameters file is ignored', async () => {
    for (const f of readdirSync(kept)) writeFileSync(path.join(kept, f), '{"N": 3, "r": 1e9}');
    const res = await cairnOk(['snapshots', '--repo', repo], {
      env: { ...env, CAIRN_PASSWORD: 'second password, long enough' },
    });
    expect(res.stdout).toContain('1 snapshot(s)');
    expect(keptParams()).toEqual(keyParams());
  });
});
