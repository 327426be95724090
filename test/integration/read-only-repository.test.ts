/**
 * A repository that cannot be written (a disk the kernel remounted read-only after errors,
 * which is when a restore is needed most): snapshots, ls, restore and check work and write
 * nothing, saying once that they read without a lock; `--no-lock` asks for that up front.
 * Backup, forget and prune fail with a message that says the repository is read-only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readOnlyView } from '../helpers/test-disks.js';

/** Every file below `dir` with its size and modification time. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => path.join(e.parentPath, e.name))
    .map((p) => {
      const st = statSync(p);
      return `${path.relative(dir, p)} ${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`;
    })
    .sort();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a read-only repository', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');
  const photo = randomBytes(3 * 1024 * 1024);

  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'photo.jpg'), photo);
    writeFileSync(path.join(src, 'notes.txt'), 'restore me from a failing disk\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
  });

  it('snapshots, ls, restore and check work and write nothing; each says once that it takes no lock', async (ctx) => {
    const before = listing(repo);
    const view = readOnlyView(repo);
    if ('skip' in view) return ctx.skip(view.skip);
    const notice = new RegExp(
      `^cairn: the repository at ${escape(view.path)} is read-only: .+; reading it without a lock\\n$`,
    );
    try {
      const snapshots = await cairnOk(['snapshots', '--repo', view.path]);
      expect(snapshots.stdout).toMatch(/1 snapshot\(s\)/);
      expect(snapshots.stderr).toBe('');
      expect((await cairnOk(['ls', 'latest', '--repo', view.path])).stdout.split('\n')).toContain(
        '/src/photo.jpg',
      );

      const out = path.join(dir, 'out');
      const restore = await cairnOk(['restore', 'latest', '--target', out, '--repo', view.path]);
      expect(restore.stderr).toMatch(notice);
      expect(readFileSync(path.join(out, 'src', 'photo.jpg')).equals(photo)).toBe(true);
      expect(readFileSync(path.join(out, 'src', 'notes.txt'), 'utf8')).toBe(
        'restore me from a failing disk\n',
      );

      for (const args of [[], ['--read-data']]) {
        const check = await cairnOk(['check', '--repo', view.path, ...args]);
        expect(check.stdout).toMatch(/no errors/);
        expect(check.stderr).toMatch(notice);
      }

      // --no-lock does not try: nothing to say.
      const out2 = path.join(dir, 'out-no-lock');
      const noLock = await cairnOk([
        'restore',
        'latest',
        '--target',
        out2,
        '--repo',
        view.path,
        '--no-lock',
      ]);
      expect(noLock.stderr).toBe('');
      expect(readFileSync(path.join(out2, 'src', 'photo.jpg')).equals(photo)).toBe(true);
      for (const args of [['check'], ['snapshots'], ['ls', 'latest']]) {
        expect((await cairnOk([...args, '--repo', view.path, '--no-lock'])).stderr).toBe('');
      }
    } finally {
      view.undo();
    }
    expect(listing(repo)).toEqual(before);
  });

  it('cairn --help names --no-lock and the commands that take it', async () => {
    const help = await cairnOk(['--help']);
    expect(help.stdout).toMatch(/--no-lock lets snapshots, ls, restore and check read/);
  });

  it('backup, forget and prune say the repository is read-only, and refuse --no-lock', async (ctx) => {
    const before = listing(repo);
    const view = readOnlyView(repo);
    if ('skip' in view) return ctx.skip(view.skip);
    const readOnly = new RegExp(
      `^cairn: the repository at ${escape(view.path)} is read-only: [^\\n]+\\n$`,
    );
    try {
      for (const args of [['backup', src], ['forget', '--keep-last', '1'], ['prune']]) {
        const res = await cairn([...args, '--repo', view.path]);
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(readOnly);
      }
      const prune = await cairn(['prune', '--repo', view.path, '--no-lock']);
      expect(prune.code).toBe(1);
      expect(prune.stderr.split('\n')[0]).toBe("cairn: Unknown option '--no-lock'");
    } finally {
      view.undo();
    }
    expect(listing(repo)).toEqual(before);
  });
});
