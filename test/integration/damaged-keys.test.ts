/**
 * Key files: a damaged one is reported as damaged (not as a wrong password, not as a Node
 * error), never stops another password's slot from opening the repository, and `check` names
 * it. New slots use at least restic's work (scrypt N=2^15, r=8, p=5); older p=1 slots still
 * open, and `key passwd` / `key add` write the new parameters.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrapMasterKey } from '../../electron/engine/crypto/key-slot.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';

function keyFiles(repo: string): string[] {
  return readdirSync(path.join(repo, 'keys')).sort();
}

function kdfOf(repo: string, name: string): Record<string, unknown> {
  const slot = JSON.parse(readFileSync(path.join(repo, 'keys', name), 'utf8'));
  return slot.kdf;
}

/** Edits a key file's text in place: its name no longer matches its bytes. */
function damage(repo: string, name: string, from: string | RegExp, to: string): void {
  const file = path.join(repo, 'keys', name);
  const before = readFileSync(file, 'utf8');
  const after = before.replace(from, to);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

/** Changes the first character of a base64 field: the file stays valid JSON. */
function flipField(repo: string, name: string, field: string): void {
  const file = path.join(repo, 'keys', name);
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(`"${field}": "`) + field.length + 5;
  expect(at).toBeGreaterThan(field.length + 5);
  writeFileSync(file, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
}

/** A key file rewritten and renamed to its new hash, as a faulty writer would leave it. */
function rewrite(repo: string, name: string, from: string | RegExp, to: string): string {
  damage(repo, name, from, to);
  const bytes = readFileSync(path.join(repo, 'keys', name));
  const renamed = createHash('sha256').update(bytes).digest('hex');
  renameSync(path.join(repo, 'keys', name), path.join(repo, 'keys', renamed));
  return renamed;
}

describe('damaged key files', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  mkdirSync(src);
  writeFileSync(path.join(src, 'a.bin'), randomBytes(100_000));

  async function freshRepo(name: string): Promise<{ repo: string; key: string }> {
    const repo = path.join(dir, name);
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
    return { repo, key: keyFiles(repo)[0]! };
  }

  it('a damaged only key file is reported as damaged, naming the file and the field', async () => {
    const { repo, key } = await freshRepo('only-key');
    const original = readFileSync(path.join(repo, 'keys', key));

    // N is no longer a power of two: Node's scrypt would throw "Invalid scrypt params".
    damage(repo, key, '"N": 32768', '"N": 32769');
    let res = await cairn(['snapshots', '--repo', repo]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot open the repository at ${repo}: its only key file is damaged ` +
        `(keys/${key.slice(0, 8)}: its content does not match its name; ` +
        'kdf.N (32769) is not a power of two from 2 to 2^24)\n',
    );

    // The format field: damaged, not "written by a newer Cairn".
    writeFileSync(path.join(repo, 'keys', key), original);
    damage(repo, key, '"cairn-key/1"', '"cairn-kez/1"');
    res = await cairn(['snapshots', '--repo', repo]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot open the repository at ${repo}: its only key file is damaged ` +
        `(keys/${key.slice(0, 8)}: its content does not match its name; ` +
        'its format is "cairn-kez/1", not "cairn-key/1")\n',
    );

    // A byte of the wrapped key: the file is damaged, and the password is not blamed.
    writeFileSync(path.join(repo, 'keys', key), original);
    flipField(repo, key, 'data');
    res = await cairn(['snapshots', '--repo', repo]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot open the repository at ${repo}: its only key file is damaged ` +
        `(keys/${key.slice(0, 8)}: its content does not match its name)\n`,
    );
  });

  it('parameters that match the name but cannot be used are refused before deriving anything', async () => {
    const { repo, key } = await freshRepo('bad-params');
    // A huge N would need terabytes; a faulty writer named the file after its bytes.
    const renamed = rewrite(repo, key, '"N": 32768', '"N": 1099511627776');
    const res = await cairn(['snapshots', '--repo', repo]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot open the repository at ${repo}: its only key file is damaged ` +
        `(keys/${renamed.slice(0, 8)}: kdf.N (1099511627776) is not a power of two from 2 to 2^24)\n`,
    );
    const p = rewrite(repo, renamed, '"N": 1099511627776', '"N": 32768');
    const manyP = rewrite(repo, p, /"p": \d+/, '"p": 100000');
    const res2 = await cairn(['snapshots', '--repo', repo]);
    expect(res2.stderr).toBe(
      `cairn: cannot open the repository at ${repo}: its only key file is damaged ` +
        `(keys/${manyP.slice(0, 8)}: kdf.p (100000) is not a whole number from 1 to 1024)\n`,
    );
  });

  it("another password's slot still opens; the damaged one is named by the wrong password and by check", async () => {
    const { repo, key: first } = await freshRepo('two-keys');
    await cairnOk(['key', 'add', '--repo', repo], { env: { CAIRN_NEW_PASSWORD: 'second' } });
    flipField(repo, first, 'salt');

    const out = path.join(dir, 'two-keys-out');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo], {
      env: { CAIRN_PASSWORD: 'second' },
    });
    expect(
      readFileSync(path.join(out, 'src', 'a.bin')).equals(readFileSync(path.join(src, 'a.bin'))),
    ).toBe(true);

    // The first password's slot is damaged: wrong password (12), saying which file may be why.
    for (const password of [PASSWORD, 'never a password here']) {
      const res = await cairn(['snapshots', '--repo', repo], { env: { CAIRN_PASSWORD: password } });
      expect(res.code).toBe(12);
      expect(res.stderr).toBe(
        `cairn: wrong password for repository at ${repo} (or the password of damaged key file keys/${first.slice(0, 8)})\n`,
      );
    }

    const check = await cairn(['check', '--repo', repo], { env: { CAIRN_PASSWORD: 'second' } });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      `error: key file keys/${first.slice(0, 8)} is damaged (its content does not match its name)\n`,
    );
    const list = JSON.parse(
      (
        await cairnOk(['key', 'list', '--repo', repo, '--json'], {
          env: { CAIRN_PASSWORD: 'second' },
        })
      ).stdout,
    );
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: first, damaged: 'its content does not match its name' }),
        expect.objectContaining({ current: true }),
      ]),
    );
  });

  it('a slot damaged outside its key material still opens; check names it and key passwd replaces it', async () => {
    const { repo, key } = await freshRepo('damaged-host');
    damage(repo, key, /"hostname": "[^"]*"/, '"hostname": "garbled"');
    await cairnOk(['snapshots', '--repo', repo]);
    const check = await cairn(['check', '--repo', repo]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      `error: key file keys/${key.slice(0, 8)} is damaged (its content does not match its name); ` +
        'it still opens: `cairn key passwd` replaces it with a sound one\n',
    );
    await cairnOk(['key', 'passwd', '--repo', repo], { env: { CAIRN_NEW_PASSWORD: 'renewed' } });
    expect(keyFiles(repo)).not.toContain(key);
    expect(
      (await cairnOk(['check', '--repo', repo], { env: { CAIRN_PASSWORD: 'renewed' } })).stdout,
    ).toMatch(/no errors/);
  });
});

describe('key derivation parameters', () => {
  const dir = tempDir();

  it('new slots use scrypt N=2^15, r=8, p=5; a p=1 slot of an older repository opens and key passwd rewraps it', async () => {
    const repo = path.join(dir, 'repo');
    await cairnOk(['init', '--repo', repo]);
    const [initial] = keyFiles(repo);
    expect(kdfOf(repo, initial!)).toMatchObject({ name: 'scrypt', N: 32768, r: 8, p: 5 });

    // What an earlier Cairn wrote: the same master key under N=2^15, r=8, p=1.
    const opened = await Repository.open(new LocalTarget(repo), PASSWORD);
    const old = await wrapMasterKey(opened.key, 'old password', {
      name: 'scrypt',
      N: 1 << 15,
      r: 8,
      p: 1,
      salt: randomBytes(32).toString('base64'),
    });
    await opened.target.save('keys', old.name, old.bytes);
    await opened.close();
    rmSync(path.join(repo, 'keys', initial!));

    await cairnOk(['snapshots', '--repo', repo], { env: { CAIRN_PASSWORD: 'old password' } });
    await cairnOk(['key', 'passwd', '--repo', repo], {
      env: { CAIRN_PASSWORD: 'old password', CAIRN_NEW_PASSWORD: 'new password' },
    });
    const [rewrapped] = keyFiles(repo);
    expect(keyFiles(repo)).toHaveLength(1);
    expect(kdfOf(repo, rewrapped!)).toMatchObject({ N: 32768, r: 8, p: 5 });
    await cairnOk(['key', 'add', '--repo', repo], {
      env: { CAIRN_PASSWORD: 'new password', CAIRN_NEW_PASSWORD: 'another' },
    });
    for (const name of keyFiles(repo)) expect(kdfOf(repo, name)).toMatchObject({ p: 5 });
    await cairnOk(['snapshots', '--repo', repo], { env: { CAIRN_PASSWORD: 'another' } });
  });
});
