/**
 * Back up a folder holding every kind of entry and restore it: bytes, modes, mtimes, symlinks,
 * hard links, empty folders and unicode names must come back exactly; excluded, ignored and
 * cache-tagged content must not.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const CACHEDIR_TAG = 'Signature: 8a477f597d28d172789f06886806bc55\n# a cache\n';

function makeSource(src: string): void {
  const when = (days: number): Date =>
    new Date(Date.UTC(2021, 2, 14, 15, 9, 26) + days * 86_400_000 + 535);
  mkdirSync(path.join(src, 'docs/deep/deeper'), { recursive: true });
  mkdirSync(path.join(src, 'empty'));
  mkdirSync(path.join(src, 'ünïcödé 文件'));
  mkdirSync(path.join(src, 'private'), { mode: 0o700 });
  writeFileSync(path.join(src, 'docs/readme.txt'), 'hello, cairn\n');
  // Small files sorting before and after the large ones: each must keep its own content.
  writeFileSync(path.join(src, 'aaa-first.txt'), 'small, sorts first\n');
  writeFileSync(path.join(src, 'zzz-last.txt'), 'small, sorts last\n');
  writeFileSync(path.join(src, 'docs/deep/deeper/zero.bin'), '');
  writeFileSync(path.join(src, 'ünïcödé 文件/ñame – ✓.txt'), 'unicode content ✓\n');
  writeFileSync(path.join(src, 'private/secret.txt'), 'only me\n', { mode: 0o600 });
  writeFileSync(path.join(src, 'script.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  writeFileSync(path.join(src, 'readonly.txt'), 'frozen\n', { mode: 0o444 });
  // Several chunks: random data (incompressible) and text (compressible).
  writeFileSync(path.join(src, 'big-random.bin'), randomBytes(12 * 1024 * 1024 + 12345));
  writeFileSync(
    path.join(src, 'big-log.txt'),
    Array.from({ length: 200_000 }, (_, i) => `line ${i} value=${(i * 7919) % 10007}\n`).join(''),
  );
  symlinkSync('docs/readme.txt', path.join(src, 'link-relative'));
  symlinkSync('/nonexistent/target', path.join(src, 'link-dangling'));
  symlinkSync('docs', path.join(src, 'link-to-dir'));
  linkSync(path.join(src, 'docs/readme.txt'), path.join(src, 'hardlink-to-readme'));
  // Excluded by --exclude, by .cairnignore, and a CACHEDIR.TAG cache.
  writeFileSync(path.join(src, 'debug.log'), 'excluded by --exclude\n');
  writeFileSync(path.join(src, '..dotted.log'), 'excluded by --exclude too\n');
  mkdirSync(path.join(src, 'node_modules/pkg'), { recursive: true });
  writeFileSync(path.join(src, 'node_modules/pkg/index.js'), 'excluded\n');
  writeFileSync(path.join(src, 'docs/.cairnignore'), '*.tmp\n!keep.tmp\n');
  writeFileSync(path.join(src, 'docs/scratch.tmp'), 'ignored by .cairnignore\n');
  writeFileSync(path.join(src, 'docs/keep.tmp'), 'kept by negation\n');
  mkdirSync(path.join(src, 'cache'));
  writeFileSync(path.join(src, 'cache/CACHEDIR.TAG'), CACHEDIR_TAG);
  writeFileSync(path.join(src, 'cache/blob'), 'cached data\n');
  // Fixed mtimes, deepest first so folder times are not disturbed afterwards.
  const all = Object.keys(describeTree(src, { mtimes: false })).sort(
    (a, b) => b.split('/').length - a.split('/').length,
  );
  all.forEach((rel, i) => {
    const abs = path.join(src, rel);
    if (describeTree(path.dirname(abs), { mtimes: false })[path.basename(abs)]?.type !== 'symlink')
      utimesSync(abs, when(-i), when(-i));
  });
  // Before 1970: a negative time, which must not come back as the time of the restore.
  writeFileSync(path.join(src, 'from-1960.txt'), 'an old letter\n');
  utimesSync(path.join(src, 'from-1960.txt'), when(-22_354), when(-22_354));
  utimesSync(src, when(1), when(1));
  chmodSync(path.join(src, 'private'), 0o700);
}

describe('folder backup and restore round trip', () => {
  const dir = tempDir();
  const src = path.join(dir, 'data');
  const repo = path.join(dir, 'repo');
  const out = path.join(dir, 'restored');

  beforeAll(async () => {
    mkdirSync(src);
    makeSource(src);
    await cairnOk(['init', '--repo', repo]);
  });

  it('restores every kind of entry exactly, and leaves out what was excluded', async () => {
    const backup = await cairnOk([
      'backup',
      src,
      '--repo',
      repo,
      '--exclude',
      '*.log',
      '--exclude',
      'node_modules/',
      '--json',
    ]);
    const { snapshot, warnings } = JSON.parse(backup.stdout);
    expect(warnings).toEqual([]);
    expect(snapshot.incomplete).toBe(false);
    expect(snapshot.paths).toEqual([src]);

    await cairnOk(['restore', snapshot.short_id, '--target', out, '--repo', repo]);
    const expected = describeTree(src);
    for (const gone of [
      'debug.log',
      '..dotted.log',
      'node_modules',
      'node_modules/pkg',
      'node_modules/pkg/index.js',
      'docs/scratch.tmp',
      'cache/blob',
    ]) {
      expect(expected[gone]).toBeDefined();
      delete expected[gone];
    }
    // Folders whose content was left out have a newer mtime once restored; compare them apart.
    const restored = describeTree(path.join(out, 'data'));
    delete expected['cache']!.mtimeMs;
    delete restored['cache']!.mtimeMs;
    expect(restored).toEqual(expected);
    expect(
      restored['hardlink-to-readme']?.hardLinkOf ?? restored['docs/readme.txt']?.hardLinkOf,
    ).toBeDefined();
  });

  it('lists the snapshot in the restore layout', async () => {
    const ls = await cairnOk(['ls', 'latest', '/data/docs', '--repo', repo, '--json']);
    const paths = (JSON.parse(ls.stdout) as { path: string }[]).map((e) => e.path);
    expect(paths).toContain('/data/docs/readme.txt');
    expect(paths).toContain('/data/docs/deep/deeper/zero.bin');
    expect(paths).not.toContain('/data/docs/scratch.tmp');
  });

  it('restores only the included paths', async () => {
    const partial = path.join(dir, 'partial');
    await cairnOk([
      'restore',
      'latest',
      '--target',
      partial,
      '--repo',
      repo,
      '--include',
      '/data/docs/deep',
      '--include',
      '/data/script.sh',
    ]);
    const tree = describeTree(partial, { mtimes: false });
    expect(Object.keys(tree).sort()).toEqual([
      'data',
      'data/docs',
      'data/docs/deep',
      'data/docs/deep/deeper',
      'data/docs/deep/deeper/zero.bin',
      'data/script.sh',
    ]);
    expect(tree['data/script.sh']?.mode).toBe('755');
  });

  it('applies the overwrite policy to existing files', async () => {
    const target = path.join(dir, 'policy');
    mkdirSync(path.join(target, 'data/docs'), { recursive: true });
    const readme = path.join(target, 'data/docs/readme.txt');
    const include = ['--include', '/data/docs/readme.txt'];
    writeFileSync(readme, 'local edit\n');
    await cairnOk([
      'restore',
      'latest',
      '--target',
      target,
      '--repo',
      repo,
      ...include,
      '--overwrite',
      'skip',
    ]);
    expect(describeTree(path.join(target, 'data/docs'))['readme.txt']?.size).toBe(
      'local edit\n'.length,
    );

    await cairnOk([
      'restore',
      'latest',
      '--target',
      target,
      '--repo',
      repo,
      ...include,
      '--overwrite',
      'rename',
    ]);
    expect(existsSync(path.join(target, 'data/docs/readme (restored).txt'))).toBe(true);
    expect(describeTree(path.join(target, 'data/docs'))['readme.txt']?.size).toBe(
      'local edit\n'.length,
    );

    await cairnOk([
      'restore',
      'latest',
      '--target',
      target,
      '--repo',
      repo,
      ...include,
      '--overwrite',
      'always',
    ]);
    expect(describeTree(path.join(target, 'data/docs'))['readme.txt']?.sha256).toBe(
      describeTree(path.join(src, 'docs'))['readme.txt']?.sha256,
    );
  });

  it('check --read-data passes on a healthy repository', async () => {
    const res = await cairnOk(['check', '--repo', repo, '--read-data']);
    expect(res.stdout).toMatch(/no errors/);
  });
});
