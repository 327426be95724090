/**
 * Prune never deletes what a snapshot needs, however the run before it ended and whoever else
 * used the repository meanwhile:
 * - a prune killed after writing its new index leaves two descriptions of a kept pack, and a
 *   backup may then reuse a chunk only the longer one names; the next prune must keep it;
 * - a prune that finds blobs used by snapshots in no pack refuses, deleting nothing;
 * - a prune or a backup whose lock was lost (the process was frozen past the stale limit and
 *   another took over) stops before deleting anything, and saves no snapshot.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupFolders } from '../../electron/engine/backup/backup.js';
import { CairnError } from '../../electron/engine/errors.js';
import { prune } from '../../electron/engine/prune/prune.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;
const PASSWORD = 'correct horse battery staple';

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function lost(): CairnError {
  return new CairnError('repository-locked', 'the lock was removed by another process');
}

describe('prune safety', () => {
  const dir = tempDir();

  it('keeps a chunk a backup reused after a prune was killed between its index and its deletions', async () => {
    const run = path.join(dir, 'killed-prune');
    const src = path.join(run, 'src');
    const repo = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    const original = randomBytes(12 * MiB);
    await cairnOk(['init', '--repo', repo]);
    writeFileSync(path.join(src, 'a.bin'), original);
    await cairnOk(['backup', src, '--repo', repo]);
    // The file's tail changes: once the first snapshot is forgotten, its old tail chunks are
    // garbage in a pack that prune keeps for the head chunks, and lists without them.
    writeFileSync(
      path.join(src, 'a.bin'),
      Buffer.concat([original.subarray(0, 10 * MiB), randomBytes(2 * MiB)]),
    );
    await cairnOk(['backup', src, '--repo', repo]);
    await cairnOk(['forget', '--repo', repo, '--keep-last', '1']);
    const killed = await killOnProgress(['prune', '--repo', repo], (p) => p.phase === 'finishing');
    expect(killed.killed).toBe(true);
    expect(readdirSync(path.join(repo, 'index')).length).toBeGreaterThan(1);

    // The old version comes back and is backed up: its tail chunks are found in the old index.
    writeFileSync(path.join(src, 'a.bin'), original);
    await cairnOk(['backup', src, '--repo', repo]);
    await cairnOk(['prune', '--repo', repo]);

    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    const out = path.join(run, 'out');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(readFileSync(path.join(out, 'src', 'a.bin')).equals(original)).toBe(true);
  });

  it('refuses, deleting nothing, when snapshots use blobs that no pack holds', async () => {
    const run = path.join(dir, 'missing-pack');
    const src = path.join(run, 'src');
    const repo = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    await cairnOk(['init', '--repo', repo]);
    writeFileSync(path.join(src, 'old.bin'), randomBytes(2 * MiB));
    await cairnOk(['backup', src, '--repo', repo]);
    writeFileSync(path.join(src, 'new.bin'), randomBytes(2 * MiB));
    await cairnOk(['backup', src, '--repo', repo]);
    // Lose the first pack (a disk error, a sync tool): both snapshots need what it held.
    const packs = filesIn(path.join(repo, 'data'));
    rmSync(path.join(repo, 'data', packs[0]!));
    const before = filesIn(repo).filter((f) => !f.startsWith('locks'));

    const res = await cairn(['prune', '--repo', repo]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/^cairn: prune stopped: .*nothing was deleted\. Run `cairn check`/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(filesIn(repo).filter((f) => !f.startsWith('locks'))).toEqual(before);
  });

  it('a prune whose lock is lost stops before deleting anything', async () => {
    const run = path.join(dir, 'lost-prune-lock');
    const src = path.join(run, 'src');
    const repoDir = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    await cairnOk(['init', '--repo', repoDir]);
    writeFileSync(path.join(src, 'gone.bin'), randomBytes(2 * MiB));
    await cairnOk(['backup', src, '--repo', repoDir]);
    rmSync(path.join(src, 'gone.bin'));
    writeFileSync(path.join(src, 'kept.bin'), randomBytes(2 * MiB));
    await cairnOk(['backup', src, '--repo', repoDir]);
    await cairnOk(['forget', '--repo', repoDir, '--keep-last', '1']);
    const before = filesIn(path.join(repoDir, 'data'));

    // Fault injection: the lock is found lost when prune, done scanning, confirms it before
    // its first deletion.
    const repo = await Repository.open(new LocalTarget(repoDir), PASSWORD);
    const run1 = prune(
      repo,
      {},
      {
        confirmLock: async () => {
          throw lost();
        },
      },
    );
    await expect(run1).rejects.toThrow(/removed by another process/);
    await repo.close();
    expect(filesIn(path.join(repoDir, 'data'))).toEqual(before);
    expect((await cairnOk(['check', '--repo', repoDir, '--read-data'])).stdout).toMatch(
      /no errors/,
    );
    // With the lock held, the same prune frees the forgotten file's pack.
    await cairnOk(['prune', '--repo', repoDir]);
    expect(filesIn(path.join(repoDir, 'data')).length).toBeLessThan(before.length);
  });

  it('a backup whose lock is lost while it saves its snapshot leaves no snapshot behind', async () => {
    const run = path.join(dir, 'lost-backup-lock');
    const src = path.join(run, 'src');
    const repoDir = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    await cairnOk(['init', '--repo', repoDir]);
    writeFileSync(path.join(src, 'a.bin'), randomBytes(MiB));

    // Fault injection: the lock holds until the snapshot file exists, then is found lost.
    const repo = await Repository.open(new LocalTarget(repoDir), PASSWORD);
    const snapshotsDir = path.join(repoDir, 'snapshots');
    const backup = backupFolders(
      repo,
      { paths: [src] },
      {
        confirmLock: async () => {
          if (readdirSync(snapshotsDir).length > 0) throw lost();
        },
      },
    );
    await expect(backup).rejects.toThrow(/removed by another process/);
    await repo.close();
    expect(readdirSync(snapshotsDir)).toEqual([]);
    expect((await cairnOk(['check', '--repo', repoDir])).stdout).toMatch(/no errors/);
  });
});
