/**
 * File names are bytes. Names that are not valid UTF-8 (Latin-1 names from an old zip, say) are
 * backed up and restored as their exact bytes — files, folders, symlinks and their targets —
 * `ls` shows them escaped (`caf\xe9.txt`), and that escaped name picks them for `--include`.
 */
import { execFileSync } from 'node:child_process';
import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A path of `base` followed by components given as bytes (Buffers are passed to fs as is). */
function at(base: string, ...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat([
    Buffer.from(base),
    ...parts.flatMap((p) => [Buffer.from('/'), Buffer.from(p)]),
  ]);
}

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Every entry below `root`, by the hex of its relative path's bytes: type, content, target. */
function describeBytes(root: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: Buffer, rel: Buffer): void => {
    for (const name of readdirSync(dir, { encoding: 'buffer' })) {
      const abs = Buffer.concat([dir, Buffer.from('/'), name]);
      const r = rel.length ? Buffer.concat([rel, Buffer.from('/'), name]) : name;
      const key = r.toString('hex');
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        out[key] = `link -> ${readlinkSync(abs, { encoding: 'buffer' }).toString('hex')}`;
      } else if (st.isDirectory()) {
        out[key] = 'dir';
        walk(abs, r);
      } else if (st.isFIFO()) {
        out[key] = 'fifo';
      } else {
        out[key] = `file ${readFileSync(abs).toString('hex')}`;
      }
    }
  };
  walk(root, Buffer.alloc(0));
  return out;
}

describe('names that are not valid UTF-8', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');
  let snapshot: string;

  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(at(src, latin1('café.txt')), 'from an old zip\n');
    // A file really named with the escape text: both must survive, each under its own name.
    writeFileSync(path.join(src, 'caf\\xe9.txt'), 'a real backslash\n');
    writeFileSync(path.join(src, 'plain.txt'), 'plain\n');
    mkdirSync(at(src, latin1('Übersicht')));
    writeFileSync(at(src, latin1('Übersicht'), latin1('naïve.txt')), 'inside\n');
    mkdirSync(at(src, latin1('Übersicht'), latin1('été')));
    writeFileSync(at(src, latin1('Übersicht'), latin1('été'), 'deep.txt'), 'deeper\n');
    symlinkSync(latin1('../Übersicht/naïve.txt'), at(src, latin1('lien')));
    symlinkSync(latin1('cible-ø'), at(src, 'utf8-name-latin1-target'));
    linkSync(at(src, latin1('café.txt')), at(src, latin1('même-fichier')));
    // mkfifo takes its path as text; the shell passes the bytes through.
    execFileSync('sh', ['-c', `mkfifo "$(printf '%s/tuy\\351' "$1")"`, 'sh', src]);
    await cairnOk(['init', '--repo', repo]);
    const res = await cairnOk(['backup', src, '--repo', repo, '--json']);
    const out = JSON.parse(res.stdout);
    expect(out.warnings).toEqual([]);
    expect(out.snapshot.incomplete).toBe(false);
    snapshot = out.snapshot.id;
  });

  it('restores every name, target and content as the same bytes', async () => {
    const target = path.join(dir, 'restored');
    await cairnOk(['restore', snapshot, '--target', target, '--repo', repo]);
    const restored = describeBytes(Buffer.from(path.join(target, 'src')));
    expect(restored).toEqual(describeBytes(Buffer.from(src)));
    expect(Object.keys(restored)).toHaveLength(11);
    // The second name of the hard-linked file is a link again.
    expect(lstatSync(at(target, 'src', latin1('même-fichier'))).nlink).toBe(2);
  });

  it('ls shows them escaped, each name distinct from a real one that reads the same', async () => {
    const ls = await cairnOk(['ls', snapshot, '/src', '--repo', repo, '--json']);
    const entries = JSON.parse(ls.stdout) as {
      path: string;
      name: string;
      type: string;
      link_target?: string;
    }[];
    const top = entries.filter((e) => e.path === `/src/${e.name}`);
    // Sorted by the shown name: a backslash sorts before letters.
    expect(top.map((e) => [e.name, e.type, e.link_target])).toEqual([
      ['\\xdcbersicht', 'dir', undefined],
      ['caf\\xe9.tx\\x74', 'file', undefined],
      ['caf\\xe9.txt', 'file', undefined],
      ['lien', 'symlink', '../\\xdcbersicht/na\\xefve.txt'],
      ['m\\xeame-fichier', 'file', undefined],
      ['plain.txt', 'file', undefined],
      ['tuy\\xe9', 'fifo', undefined],
      ['utf8-name-latin1-target', 'symlink', 'cible-\\xf8'],
    ]);
    const deep = await cairnOk(['ls', snapshot, '/src/\\xdcbersicht', '--repo', repo]);
    expect(deep.stdout.split('\n')).toEqual([
      '/src/\\xdcbersicht/\\xe9t\\xe9/',
      '/src/\\xdcbersicht/\\xe9t\\xe9/deep.txt',
      '/src/\\xdcbersicht/na\\xefve.txt',
      '',
    ]);
  });

  it('--include picks a name by its escaped form and restores its bytes', async () => {
    const target = path.join(dir, 'picked');
    await cairnOk([
      'restore',
      snapshot,
      '--target',
      target,
      '--repo',
      repo,
      '--include',
      '/src/\\xdcbersicht/\\xe9t\\xe9',
      '--include',
      '/src/caf\\xe9.tx\\x74',
    ]);
    expect(describeBytes(Buffer.from(target))).toEqual({
      [Buffer.from('src').toString('hex')]: 'dir',
      [at('src', latin1('café.txt')).toString('hex')]:
        `file ${Buffer.from('from an old zip\n').toString('hex')}`,
      [at('src', latin1('Übersicht')).toString('hex')]: 'dir',
      [at('src', latin1('Übersicht'), latin1('été')).toString('hex')]: 'dir',
      [at('src', latin1('Übersicht'), latin1('été'), 'deep.txt').toString('hex')]:
        `file ${Buffer.from('deeper\n').toString('hex')}`,
    });
  });

  it('an unchanged re-backup reads none of them again', async () => {
    const res = await cairnOk(['backup', src, '--repo', repo, '--json']);
    const { snapshot: again, warnings } = JSON.parse(res.stdout);
    expect(warnings).toEqual([]);
    expect(again.stats).toMatchObject({ files_new: 0, files_changed: 0, files_unchanged: 6 });
    expect(again.tree).toBe(
      JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout)[0].tree,
    );
  });
});
