/**
 * What a user sees when things are wrong: each case its own one-line message and exit code
 * (the CLI's JSON and argument contract, README.md), and nothing lost.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { cliForOtherUsers } from '../helpers/cli-for-other-users.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('error messages and exit codes', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');

  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'a\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
  });

  it('wrong password: exit 12 and says so', async () => {
    const res = await cairn(['snapshots', '--repo', repo], {
      env: { CAIRN_PASSWORD: 'not the password' },
    });
    expect(res.code).toBe(12);
    expect(res.stderr.trim()).toBe(`cairn: wrong password for repository at ${repo}`);
    expect(res.stderr).not.toContain('not the password');
  });

  it('missing repository: exit 10 and names the location', async () => {
    const missing = path.join(dir, 'no-such-repo');
    const res = await cairn(['backup', src, '--repo', missing]);
    expect(res.code).toBe(10);
    expect(res.stderr.trim()).toBe(`cairn: repository not found at ${missing}`);
  });

  it('init refuses to overwrite an existing repository', async () => {
    const res = await cairn(['init', '--repo', repo]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/a repository already exists/);
    // …and the repository still opens with its password.
    await cairnOk(['snapshots', '--repo', repo]);
  });

  it('unknown snapshot and bad arguments: exit 1 with a one-line message', async () => {
    const snap = await cairn(['ls', 'deadbeef', '--repo', repo]);
    expect(snap.code).toBe(1);
    expect(snap.stderr).toMatch(/no snapshot deadbeef/);
    const bad = await cairn(['restore', 'latest', '--repo', repo]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('cairn: --target DIR is required');
    const aFile = path.join(dir, 'not-a-folder');
    writeFileSync(aFile, 'x');
    const onFile = await cairn(['restore', 'latest', '--target', aFile, '--repo', repo]);
    expect(onFile.code).toBe(1);
    expect(onFile.stderr).toBe(`cairn: --target ${aFile} is not a folder\n`);
  });

  it('repair: its usage names the options of each kind, and a misplaced one is refused first', async () => {
    const usage = [
      'usage: cairn repair index --repo LOC [--read-data] [--dry-run] [--json]',
      '       cairn repair snapshots --repo LOC [--dry-run] [--json]',
      '',
    ].join('\n');
    const none = await cairn(['repair', '--repo', repo]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`cairn: name what to repair: index or snapshots\n${usage}`);
    // Refused before asking for a password, which a script may not have to give.
    const misplaced = await cairn(['repair', 'snapshots', '--read-data', '--repo', repo], {
      env: { CAIRN_PASSWORD: undefined },
    });
    expect(misplaced.code).toBe(1);
    expect(misplaced.stderr).toBe(`cairn: --read-data is for repair index\n${usage}`);
  });

  it('unreadable file: the snapshot is saved, marked incomplete, warning names the file, exit 3', async () => {
    const unreadable = path.join(src, 'locked.txt');
    writeFileSync(unreadable, 'secret\n');
    chmodSync(unreadable, 0o000);
    // Root reads anything; run the backup as an unprivileged user so the permission is real,
    // from a copy of the CLI that user can reach wherever this checkout lives.
    let asOther: { wrapper?: string[]; cli?: string } = {};
    if (process.getuid?.() === 0) {
      const setpriv = spawnSync('which', ['setpriv']).stdout.toString().trim();
      if (!setpriv) throw new Error('setpriv (util-linux) is needed to run this test as root');
      asOther = {
        wrapper: [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups'],
        cli: cliForOtherUsers(),
      };
      chownRecursive(dir, 65534);
    }
    const res = await cairn(['backup', src, '--repo', repo, '--json'], asOther);
    expect(res.code).toBe(3);
    const { snapshot, warnings } = JSON.parse(res.stdout);
    expect(warnings).toEqual([{ path: unreadable, message: 'permission denied' }]);
    expect(snapshot.incomplete).toBe(true);
    expect(snapshot.incomplete_reasons).toEqual([`${unreadable}: permission denied`]);
    expect(res.stderr).toMatch(/saved but incomplete/);
    // The readable file is in it.
    const ls = await cairnOk(['ls', snapshot.id, '--repo', repo], asOther);
    expect(ls.stdout.split('\n')).toContain('/src/a.txt');
    expect(ls.stdout).not.toContain('locked.txt');
  });
});

function chownRecursive(p: string, uid: number): void {
  spawnSync('chown', ['-R', `${uid}:${uid}`, p]);
  chownSync(p, uid, uid);
}
