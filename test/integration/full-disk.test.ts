/**
 * A full disk, on a real small file system (a tmpfs; mounting one needs root, so as another
 * user these tests report themselves skipped): each message says which disk is full and what
 * to do; every earlier snapshot stays restorable; and prune runs on a full disk, freeing space
 * before it writes anything.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fillUp, freeBytes, freePages, smallDisk } from '../helpers/test-disks.js';

const MiB = 1024 * 1024;

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('a full disk', () => {
  const dir = tempDir();

  it('a backup that fills the repository disk says so; earlier snapshots stay restorable; prune runs on the full disk', async (ctx) => {
    const disk = smallDisk(path.join(dir, 'repo-disk'), 24);
    if ('skip' in disk) return ctx.skip(disk.skip);
    const repo = path.join(disk.path, 'repo');
    const src = path.join(dir, 'src');
    mkdirSync(src);
    await cairnOk(['init', '--repo', repo]);
    writeFileSync(path.join(src, 'a.bin'), randomBytes(6 * MiB));
    await cairnOk(['backup', src, '--repo', repo]);
    const kept = randomBytes(6 * MiB);
    writeFileSync(path.join(src, 'a.bin'), kept);
    await cairnOk(['backup', src, '--repo', repo]);

    const big = path.join(dir, 'big');
    mkdirSync(big);
    writeFileSync(path.join(big, 'b.bin'), randomBytes(30 * MiB));
    const full = await cairn(['backup', big, '--repo', repo]);
    expect(full.code).toBe(1);
    expect(full.stderr).toBe(
      `cairn: the disk holding the repository at ${repo} is full (ENOSPC while writing a pack); ` +
        'free space or run `cairn prune`\n',
    );
    expect(filesIn(path.join(repo, 'data')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    const out = path.join(dir, 'out');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(readFileSync(path.join(out, 'src', 'a.bin')).equals(kept)).toBe(true);

    // The first snapshot goes; then something else fills the disk to the last block.
    await cairnOk(['forget', '--repo', repo, '--keep-last', '1']);
    const filler = fillUp(disk.path);
    expect(freeBytes(disk.path)).toBe(0);
    const before = filesIn(repo);
    const noRoom = await cairn(['prune', '--repo', repo]);
    expect(noRoom.code).toBe(1);
    expect(noRoom.stderr).toBe(
      `cairn: the disk holding the repository at ${repo} is full (ENOSPC while writing a lock); ` +
        'free a little space: even prune needs room for its lock\n',
    );
    expect(filesIn(repo)).toEqual(before);

    // Room for the lock and nothing more: prune deletes before it writes its new index.
    freePages(filler, 1);
    const pruned = await cairnOk(['prune', '--repo', repo]);
    expect(pruned.stdout).toMatch(/freed [0-9.]+ MB/);
    expect(freeBytes(disk.path)).toBeGreaterThan(5 * MiB);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    const out2 = path.join(dir, 'out2');
    await cairnOk(['restore', 'latest', '--target', out2, '--repo', repo]);
    expect(readFileSync(path.join(out2, 'src', 'a.bin')).equals(kept)).toBe(true);
    rmSync(filler);
    await cairnOk(['backup', src, '--repo', repo]);
  });

  it('a restore that fills its target disk names the target and what to do', async (ctx) => {
    const repo = path.join(dir, 'restore-repo');
    const src = path.join(dir, 'restore-src');
    mkdirSync(src);
    const data = randomBytes(6 * MiB);
    writeFileSync(path.join(src, 'photo.jpg'), data);
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
    const disk = smallDisk(path.join(dir, 'target-disk'), 2);
    if ('skip' in disk) return ctx.skip(disk.skip);
    const target = path.join(disk.path, 'restored');

    const res = await cairn(['restore', 'latest', '--target', target, '--repo', repo]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: the disk holding the restore target ${target} is full (ENOSPC while writing restored files); ` +
        'free space and run the same restore again: it finishes the job\n',
    );
    // No cut-short file that looks restored.
    expect(filesIn(target).filter((f) => !path.basename(f).startsWith('.'))).toEqual([]);
  });

  it("check names Cairn's own folder when the disk holding CAIRN_HOME is full", async (ctx) => {
    const repo = path.join(dir, 'check-repo');
    const src = path.join(dir, 'check-src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.bin'), randomBytes(MiB));
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
    const disk = smallDisk(path.join(dir, 'home-disk'), 1);
    if ('skip' in disk) return ctx.skip(disk.skip);
    const home = path.join(disk.path, 'cairn');
    mkdirSync(home);
    fillUp(disk.path);

    const res = await cairn(['check', '--repo', repo, '--read-data-subset', '50%'], {
      env: { CAIRN_HOME: home },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: the disk holding Cairn's folder ${home} is full (ENOSPC while saving where check stopped); ` +
        'free space, or set CAIRN_HOME to a folder on another disk\n',
    );
  });
});
