/**
 * Deduplication: an unchanged re-backup stores nothing new (yet a file changed behind an mtime
 * put back is read again), and a small insertion in the middle of a large file costs about one
 * chunk, not the file. What a backup says it read counts only the files it read.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../shared/format.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

async function backup(src: string, repo: string, extra: string[] = []) {
  const res = await cairnOk(['backup', src, '--repo', repo, '--json', ...extra]);
  return JSON.parse(res.stdout).snapshot as { id: string; stats: Record<string, number> };
}

describe('deduplication', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');

  it('adds nothing for an unchanged re-backup and reuses unchanged files without reading them', async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'large.bin'), randomBytes(40 * MiB));
    for (let i = 0; i < 50; i++)
      writeFileSync(
        path.join(src, `small-${i}.json`),
        JSON.stringify({ i, text: 'x'.repeat(i * 10) }),
      );
    await cairnOk(['init', '--repo', repo]);
    const first = await backup(src, repo);
    expect(first.stats.bytes_added_raw).toBeGreaterThanOrEqual(40 * MiB);

    const second = await backup(src, repo);
    expect(second.stats.files_unchanged).toBe(51);
    expect(second.stats.blobs_added).toBe(0);
    expect(second.stats.bytes_added).toBe(0);
    // What it says it read is what it read: nothing, though the snapshot holds every byte.
    expect(second.stats.bytes_read).toBe(0);
    expect(second.stats.bytes_processed).toBe(first.stats.bytes_processed);
    expect(first.stats.bytes_read).toBe(first.stats.bytes_processed);

    // --force-full reads every file again, and still stores nothing new.
    const forced = await backup(src, repo, ['--force-full']);
    expect(forced.stats.files_unchanged).toBe(0);
    expect(forced.stats.files_changed).toBe(51);
    expect(forced.stats.bytes_added).toBe(0);
    expect(forced.stats.bytes_read).toBe(forced.stats.bytes_processed);
  });

  it('says an unchanged re-backup read nothing, not the size of the files it reused', async () => {
    const res = await cairnOk(['backup', src, '--repo', repo]);
    const held = formatBytes(
      JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout).at(-1).stats
        .bytes_processed,
    );
    expect(res.stdout).toContain(
      `Read 0 B (the snapshot holds ${held}; unchanged files were not read again)`,
    );
  });

  it('re-reads a file changed in place whose mtime was put back (its ctime moved)', async () => {
    const file = path.join(src, 'small-7.json');
    const before = statSync(file);
    const changed = readFileSync(file, 'utf8').toUpperCase(); // same size, other bytes
    writeFileSync(file, changed);
    utimesSync(file, before.atime, before.mtime); // as taggers and `touch -d` do
    const after = await backup(src, repo);
    expect(after.stats.files_changed).toBe(1);
    expect(after.stats.files_unchanged).toBe(50);
    const out = path.join(dir, 'out-ctime');
    await cairnOk(['restore', after.id, '--target', out, '--repo', repo]);
    expect(readFileSync(path.join(out, 'src', 'small-7.json'), 'utf8')).toBe(changed);
  });

  it('stores about one chunk for a small insertion in the middle of a large file', async () => {
    const file = path.join(src, 'large.bin');
    const data = readFileSync(file);
    const mid = data.length / 2;
    writeFileSync(
      file,
      Buffer.concat([data.subarray(0, mid), Buffer.from('a small insertion'), data.subarray(mid)]),
    );
    const after = await backup(src, repo);
    expect(after.stats.files_changed).toBe(1);
    // One or two new chunks (average 1 MiB, at most 8 MiB) plus a tree — never the 40 MiB file.
    expect(after.stats.blobs_added).toBeLessThanOrEqual(4);
    expect(after.stats.bytes_read).toBe(statSync(file).size); // the changed file, and only it
    expect(after.stats.bytes_added_raw).toBeLessThan(6 * MiB);

    const restored = path.join(dir, 'restored');
    await cairnOk([
      'restore',
      'latest',
      '--target',
      restored,
      '--repo',
      repo,
      '--include',
      '/src/large.bin',
    ]);
    expect(readFileSync(path.join(restored, 'src/large.bin')).equals(readFileSync(file))).toBe(
      true,
    );
  });
});
