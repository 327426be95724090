/**
 * `cairn init` warns about a guessable password (zxcvbn-ts) on stderr and still creates the
 * repository: scripts that create repositories keep working.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('init and a weak password', () => {
  const dir = tempDir('cairn-init-weak-');

  it('warns about a common password, and creates the repository anyway (exit 0)', async () => {
    // Before: no word about the password at all.
    const repo = path.join(dir, 'weak');
    const result = await cairn(['init', '--repo', repo], { env: { CAIRN_PASSWORD: 'password1' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^cairn: warning: the password is weak\. This is a commonly used password\..*\n$/,
    );
    expect(result.stderr).not.toContain('password1');
    expect(existsSync(path.join(repo, 'config'))).toBe(true);
  });

  it('says nothing about a password of a few unrelated words', async () => {
    const result = await cairn(['init', '--repo', path.join(dir, 'strong')], {
      env: { CAIRN_PASSWORD: 'lantern orbit pickle marsh' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });
});
