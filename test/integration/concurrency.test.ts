/**
 * Two backups into one repository at once both produce valid snapshots; a prune while a backup
 * runs refuses (exit 11, naming the holder) and loses nothing; a check that a backup finishes
 * during sees no damage.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

describe('concurrent operations on one repository', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const a = path.join(dir, 'alpha');
  const b = path.join(dir, 'beta');

  it('two backups at once both save valid snapshots', async () => {
    for (const d of [a, b]) {
      mkdirSync(d);
      for (let i = 0; i < 4; i++) writeFileSync(path.join(d, `f${i}.bin`), randomBytes(8 * MiB));
      // Identical content in both: the two processes race to store the same chunks.
      writeFileSync(path.join(d, 'common.bin'), Buffer.alloc(4 * MiB, 7));
    }
    await cairnOk(['init', '--repo', repo]);
    const [ra, rb] = await Promise.all([
      cairnOk(['backup', a, '--repo', repo, '--json']),
      cairnOk(['backup', b, '--repo', repo, '--json']),
    ]);
    const sa = JSON.parse(ra.stdout).snapshot;
    const sb = JSON.parse(rb.stdout).snapshot;
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    for (const [snap, src] of [
      [sa, a],
      [sb, b],
    ] as const) {
      const out = path.join(dir, `out-${snap.short_id}`);
      await cairnOk(['restore', snap.id, '--target', out, '--repo', repo]);
      expect(describeTree(path.join(out, path.basename(src)))).toEqual(describeTree(src));
    }
  });

  it('prune refuses while a backup holds its lock, naming the backup, and loses nothing', async () => {
    for (let i = 0; i < 8; i++) writeFileSync(path.join(a, `more-${i}.bin`), randomBytes(8 * MiB));
    // Freeze the backup mid-way (it holds its shared lock), prune, then let the backup finish.
    let pruneResult: Awaited<ReturnType<typeof cairn>> | undefined;
    let forgetResult: Awaited<ReturnType<typeof cairn>> | undefined;
    let preview: Awaited<ReturnType<typeof cairn>> | undefined;
    const done = await killOnProgress(
      ['backup', a, '--repo', repo, '--json'],
      (p) => p.phase === 'backup' && p.bytes_done > 0,
      {
        signal: null,
        whileFrozen: async () => {
          pruneResult = await cairn(['prune', '--repo', repo]);
          forgetResult = await cairn(['forget', '--repo', repo, '--keep-last', '1']);
          // A dry run only looks: it needs no exclusive lock, so it runs beside the backup.
          preview = await cairn(['forget', '--repo', repo, '--keep-last', '1', '--dry-run']);
        },
      },
    );
    expect(done.code).toBe(0);
    expect(pruneResult!.code).toBe(11);
    expect(pruneResult!.stderr).toMatch(/locked by backup \(pid \d+/);
    expect(forgetResult!.code).toBe(11);
    expect(preview!.code).toBe(0);
    expect(preview!.stdout).toMatch(/would remove \d+ snapshot/);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    const out = path.join(dir, 'after-race');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(describeTree(path.join(out, 'alpha'))).toEqual(describeTree(a));
    // With the backup finished, prune runs.
    await cairnOk(['prune', '--repo', repo]);
  });

  it('a check during which a backup finishes reports no damage', async () => {
    writeFileSync(path.join(b, 'during-check.bin'), randomBytes(2 * MiB));
    // The check is frozen at its first event, after it has started reading the repository;
    // a whole backup runs and saves its snapshot before the check goes on.
    let during: Awaited<ReturnType<typeof cairnOk>> | undefined;
    const checked = await killOnProgress(
      ['check', '--repo', repo, '--read-data'],
      (p) => p.phase === 'check',
      {
        signal: null,
        whileFrozen: async () => {
          during = await cairnOk(['backup', b, '--repo', repo, '--json']);
        },
      },
    );
    expect(JSON.parse(during!.stdout).snapshot.id).toBeTruthy();
    expect(checked.code).toBe(0);
    expect(checked.stderr).not.toMatch(/not in the index|problem/);
  });
});
