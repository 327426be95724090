/**
 * A backup killed with SIGKILL at any moment leaves a repository that checks clean, lists no
 * partial snapshot, restores every earlier snapshot, and takes the next backup — which reuses
 * the packs the killed one had already indexed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

describe('a backup killed with SIGKILL', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');
  let first: { id: string };
  const expected = (): ReturnType<typeof describeTree> => describeTree(src);
  let original: ReturnType<typeof describeTree>;

  beforeAll(async () => {
    mkdirSync(path.join(src, 'small'), { recursive: true });
    for (let i = 0; i < 200; i++)
      writeFileSync(path.join(src, 'small', `note-${i}.txt`), `note ${i}\n`.repeat(i + 1));
    writeFileSync(path.join(src, 'base.bin'), randomBytes(8 * MiB));
    await cairnOk(['init', '--repo', repo]);
    first = JSON.parse((await cairnOk(['backup', src, '--repo', repo, '--json'])).stdout).snapshot;
    original = expected();
    // New data for the backups that will be killed: 160 MiB, several index flushes' worth.
    for (let i = 0; i < 10; i++)
      writeFileSync(path.join(src, `new-${i}.bin`), randomBytes(16 * MiB));
  });

  /**
   * Healthy: check is clean, the first snapshot restores exactly, and any other snapshot listed
   * is whole — a kill that lands after the snapshot was written leaves a complete snapshot of
   * the current data, never a partial one.
   */
  async function assertHealthy(): Promise<void> {
    const check = await cairnOk(['check', '--repo', repo, '--read-data']);
    expect(check.stdout).toMatch(/no errors/);
    const snaps = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout) as {
      id: string;
    }[];
    expect(snaps[0]!.id).toBe(first.id);
    for (const snap of snaps) {
      const out = path.join(dir, `restore-${snap.id.slice(0, 8)}-${Date.now()}`);
      await cairnOk(['restore', snap.id, '--target', out, '--repo', repo]);
      expect(describeTree(path.join(out, 'src'))).toEqual(
        snap.id === first.id ? original : expected(),
      );
    }
  }

  const points: [string, (p: { phase: string; bytes_done: number }) => boolean][] = [
    ['early in the data', (p) => p.phase === 'backup' && p.bytes_done >= 20 * MiB],
    // Past half of the 168 MiB: progress comes every 250 ms, so a later mark could be skipped
    // by a fast machine.
    ['late in the data', (p) => p.phase === 'backup' && p.bytes_done >= 90 * MiB],
    ['while finishing (index and snapshot)', (p) => p.phase === 'finishing'],
  ];
  for (const [label, when] of points) {
    it(`leaves the repository healthy when killed ${label}`, async () => {
      const res = await killOnProgress(['backup', src, '--repo', repo, '--force-full'], when);
      expect(res.killed).toBe(true);
      expect(res.code).toBe(null);
      await assertHealthy();
    });
  }

  it('the next backup completes and reuses what the killed ones uploaded', async () => {
    const next = JSON.parse(
      (await cairnOk(['backup', src, '--repo', repo, '--json'])).stdout,
    ).snapshot;
    // 160 MiB are new since the first snapshot; the killed runs had indexed much of it already.
    expect(next.stats.bytes_added_raw).toBeLessThan(120 * MiB);
    const out = path.join(dir, 'final');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(describeTree(path.join(out, 'src'))).toEqual(expected());
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
  });

  it('prune removes the pack files the killed backups were still writing', async () => {
    const spool = (): string[] =>
      readdirSync(path.join(repo, 'data')).filter((name) => name.endsWith('.tmp'));
    // Killed mid-data, each worker had a pack open: it stays behind, invisible to readers.
    expect(spool().length).toBeGreaterThan(0);
    await cairnOk(['prune', '--repo', repo]);
    expect(spool()).toEqual([]);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
  });
});
