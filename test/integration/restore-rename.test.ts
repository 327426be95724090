/**
 * `--overwrite rename` keeps both, always: the renamed copy never takes a name the snapshot
 * itself uses in that folder (restoring that file later would overwrite it), and a folder
 * whose name a file holds comes back beside it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('restore --overwrite rename', () => {
  const dir = tempDir();

  it('never renames onto a name the snapshot uses, and restores a folder beside a file', async () => {
    const src = path.join(dir, 'src');
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(src, 'd'), { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'snapshot a\n');
    writeFileSync(path.join(src, 'a (restored).txt'), 'snapshot a (restored)\n');
    writeFileSync(path.join(src, 'd', 'x'), 'inside d\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);

    const target = path.join(dir, 'target');
    mkdirSync(path.join(target, 'src'), { recursive: true });
    writeFileSync(path.join(target, 'src', 'a.txt'), 'my own a\n');
    writeFileSync(path.join(target, 'src', 'd'), 'my own file named d\n');
    const res = await cairnOk([
      'restore',
      'latest',
      '--target',
      target,
      '--repo',
      repo,
      '--overwrite',
      'rename',
    ]);
    expect(res.stderr).toBe('');
    const read = (...p: string[]) => readFileSync(path.join(target, 'src', ...p), 'utf8');
    expect(read('a.txt')).toBe('my own a\n');
    expect(read('a (restored).txt')).toBe('snapshot a (restored)\n');
    expect(read('a (restored 2).txt')).toBe('snapshot a\n');
    expect(read('d')).toBe('my own file named d\n');
    expect(read('d (restored)', 'x')).toBe('inside d\n');
  });
});
