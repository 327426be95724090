/**
 * Where `init` puts a repository: a location that names a kind of target Cairn does not know
 * (`https://…`, `b2:…`) is refused instead of becoming a local folder named after the URL,
 * a password in a location never shows, and a folder that already holds other files is not
 * turned into a repository.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const KNOWN = '(a folder path, file:///path, s3:, webdav:, sftp:, rest:)';

describe('repository locations', () => {
  const dir = tempDir();

  /** Runs in a folder of its own, so anything created by mistake shows up in it. */
  async function inEmptyFolder(name: string, args: string[]) {
    const cwd = path.join(dir, name);
    mkdirSync(cwd);
    const res = await cairn(args, { cwd });
    return { ...res, left: readdirSync(cwd) };
  }

  it('refuses an https URL, creates nothing and never shows its password', async () => {
    const res = await inEmptyFolder('https', ['init', '--repo', 'https://ann:KEY123@host/repo']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot use https://ann:***@host/repo as a repository: https: is not a kind of ` +
        `target Cairn knows ${KNOWN}\n`,
    );
    expect(res.stdout).toBe('');
    expect(res.left).toEqual([]);
  });

  it('refuses b2: and other unknown schemes, saying how to name a folder with a colon', async () => {
    const res = await inEmptyFolder('b2', ['init', '--repo', 'b2:bucket/cairn']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot use b2:bucket/cairn as a repository: b2: is not a kind of target Cairn ` +
        `knows ${KNOWN} (a folder with a colon in its name: ./b2:bucket/cairn)\n`,
    );
    expect(res.left).toEqual([]);
    // Every command opens its repository the same way.
    const backup = await inEmptyFolder('b2-backup', ['snapshots', '--repo', 'gs:bucket']);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/^cairn: cannot use gs:bucket as a repository: gs: is not/);
  });

  it('takes a folder with a colon later in its name, and drive-letter paths, as paths', async () => {
    const cwd = path.join(dir, 'paths');
    mkdirSync(cwd);
    const colon = await cairnOk(['init', '--repo', './backup:2024'], { cwd });
    expect(colon.stdout).toMatch(/^created repository [0-9a-f]{10} at \.\/backup:2024\n/);
    expect(existsSync(path.join(cwd, 'backup:2024', 'config'))).toBe(true);
    // On Linux `C:/x` is a relative path like any other; it must not be taken for a scheme.
    await cairnOk(['init', '--repo', 'C:/x'], { cwd });
    expect(existsSync(path.join(cwd, 'C:', 'x', 'config'))).toBe(true);
    await cairnOk(['init', '--repo', 'D:\\y'], { cwd });
    expect(existsSync(path.join(cwd, 'D:\\y', 'config'))).toBe(true);
  });

  it('takes file:///path, and refuses a file URL with a host', async () => {
    const repo = path.join(dir, 'by-url');
    await cairnOk(['init', '--repo', pathToFileURL(repo).href]);
    expect(existsSync(path.join(repo, 'config'))).toBe(true);
    const res = await cairn(['init', '--repo', 'file://server/share']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'cairn: file://server/share is not a file location: write file:///absolute/path\n',
    );
  });

  it('init refuses a folder that holds other files, and leaves them as they were', async () => {
    const src = path.join(dir, 'documents');
    mkdirSync(src);
    writeFileSync(path.join(src, 'letter.txt'), 'dear ann\n');
    const res = await cairn(['init', '--repo', src]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: ${src} is not empty; a repository needs an empty or new folder\n`,
    );
    expect(readdirSync(src)).toEqual(['letter.txt']);
  });

  it('init takes an empty folder, a missing one, and a fresh drive with only lost+found', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    await cairnOk(['init', '--repo', empty]);
    await cairnOk(['init', '--repo', path.join(dir, 'missing', 'deeper')]);
    const drive = path.join(dir, 'drive');
    mkdirSync(path.join(drive, 'lost+found'), { recursive: true });
    await cairnOk(['init', '--repo', drive]);
    expect(existsSync(path.join(drive, 'config'))).toBe(true);
  });
});
