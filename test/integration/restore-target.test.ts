/**
 * A restore folder that cannot be made ends the restore at once with a message naming it:
 * a system folder (`/proc/x`, where Node's recursive mkdir never returned), a path under a
 * file, a place the user may not write to. Nothing is written anywhere.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('an impossible restore target', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');

  beforeAll(async () => {
    const src = path.join(dir, 'notes');
    mkdirSync(src);
    writeFileSync(path.join(src, 'todo.txt'), 'buy milk\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
  });

  const restore = (target: string) =>
    cairn(['restore', 'latest', '--target', target, '--repo', repo]);

  it('under /proc ends promptly with a clear message', async () => {
    // A safety net, not a timing assertion: a restore that spins is killed rather than left
    // running after the test has failed.
    const res = await cairn(['restore', 'latest', '--target', '/proc/x', '--repo', repo], {
      wrapper: ['timeout', '--signal=KILL', '100'],
    });
    expect(res.code).toBe(1);
    // Root is told the file system refuses; a user, that permission is denied.
    expect(res.stderr).toMatch(
      /^cairn: cannot create the restore folder \/proc\/x: (this file system does not allow new folders there|permission denied)\n$/,
    );
  });

  it('under a file names the file that is in the way', async () => {
    const file = path.join(dir, 'a-file.txt');
    writeFileSync(file, 'not a folder\n');
    const res = await restore(path.join(file, 'deeper', 'out'));
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot create the restore folder ${path.join(file, 'deeper', 'out')}: ${file} is not a folder\n`,
    );
    const same = await restore(file);
    expect(same.code).toBe(1);
    expect(same.stderr).toBe(`cairn: --target ${file} is not a folder\n`);
  });

  it('where folders may not be made says permission denied', async () => {
    // sysfs refuses new folders even to root, as a read-only place does to a user.
    const res = await restore('/sys/cairn-restore');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'cairn: cannot create the restore folder /sys/cairn-restore: permission denied\n',
    );
    expect(existsSync('/sys/cairn-restore')).toBe(false);
  });
});
