/**
 * forget + prune through the CLI: the policy removes snapshots, prune frees their data, and
 * every kept snapshot restores byte for byte; a prune killed at any step leaves a repository
 * that checks clean, and the next prune finishes the job.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

interface Snap {
  id: string;
  short_id: string;
}

function duSync(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += 1;
  }
  return total;
}

describe('forget and prune', () => {
  const dir = tempDir();
  let repo: string;
  let src: string;
  let states: { snap: Snap; tree: ReturnType<typeof describeTree> }[];

  /**
   * Five snapshots of one file whose first 3 MiB stay the same and whose other 6 MiB are new
   * each time: a pack then holds chunks later snapshots still need beside chunks only a
   * forgotten one did, which is what prune must repack.
   */
  beforeEach(async () => {
    const run = path.join(dir, `run-${Date.now()}`);
    repo = path.join(run, 'repo');
    src = path.join(run, 'src');
    mkdirSync(src, { recursive: true });
    const shared = randomBytes(3 * MiB);
    await cairnOk(['init', '--repo', repo]);
    states = [];
    for (let i = 0; i < 5; i++) {
      writeFileSync(path.join(src, 'data.bin'), Buffer.concat([shared, randomBytes(6 * MiB)]));
      writeFileSync(path.join(src, 'notes.txt'), `generation ${i}\n`);
      const snap = JSON.parse(
        (
          await cairnOk([
            'backup',
            src,
            '--repo',
            repo,
            '--json',
            '--tag',
            i === 1 ? 'keep-me' : 'auto',
          ])
        ).stdout,
      ).snapshot;
      states.push({ snap, tree: describeTree(src) });
    }
  });

  async function restoresExactly(kept: number[]): Promise<void> {
    for (const i of kept) {
      const out = path.join(dir, `restore-${Date.now()}-${i}`);
      await cairnOk(['restore', states[i]!.snap.id, '--target', out, '--repo', repo]);
      expect(describeTree(path.join(out, 'src'))).toEqual(states[i]!.tree);
    }
  }

  it('forget --dry-run lists what would go and why, removing nothing', async () => {
    const res = await cairnOk([
      'forget',
      '--repo',
      repo,
      '--keep-last',
      '2',
      '--keep-tag',
      'keep-me',
      '--dry-run',
    ]);
    expect(res.stdout).toMatch(/would remove 2 snapshots/);
    expect(res.stdout).toMatch(/last snapshot/);
    expect(res.stdout).toMatch(/tag keep-me|keep-me/);
    const json = JSON.parse(
      (
        await cairnOk([
          'forget',
          '--repo',
          repo,
          '--keep-last',
          '2',
          '--keep-tag',
          'keep-me',
          '--dry-run',
          '--json',
        ])
      ).stdout,
    );
    expect(json.groups[0].remove.map((s: Snap) => s.id).sort()).toEqual(
      [states[0]!.snap.id, states[2]!.snap.id].sort(),
    );
    const all = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout);
    expect(all).toHaveLength(5);
  });

  it('refuses a forget without any rule', async () => {
    const res = await cairnOk(['forget', '--repo', repo], {}, 1);
    expect(res.stderr).toMatch(/policy|rule|keep/i);
    expect(
      JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout),
    ).toHaveLength(5);
  });

  it('forget --prune frees the data of removed snapshots and keeps the rest restorable', async () => {
    const packsBefore = duSync(path.join(repo, 'data'));
    const res = JSON.parse(
      (
        await cairnOk([
          'forget',
          '--repo',
          repo,
          '--keep-last',
          '2',
          '--keep-tag',
          'keep-me',
          '--prune',
          '--json',
        ])
      ).stdout,
    );
    expect(res.removed.sort()).toEqual([states[0]!.snap.id, states[2]!.snap.id].sort());
    expect(res.prune.bytes_freed).toBeGreaterThan(10 * MiB);
    expect(res.prune.packs_repacked).toBeGreaterThanOrEqual(1);
    expect(duSync(path.join(repo, 'data'))).toBeLessThan(packsBefore);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    await restoresExactly([1, 3, 4]);
    // A second prune has nothing left to do.
    const again = JSON.parse((await cairnOk(['prune', '--repo', repo, '--json'])).stdout);
    expect(again.packs_deleted).toBe(0);
  });

  const killPoints: [string, (p: { phase: string; files_done: number }) => boolean][] = [
    ['while scanning', (p) => p.phase === 'scanning'],
    ['while repacking', (p) => p.phase === 'prune'],
    ['while deleting', (p) => p.phase === 'finishing'],
  ];
  for (const [label, when] of killPoints) {
    it(`a prune killed ${label} leaves a healthy repository, and the next prune completes`, async () => {
      await cairnOk(['forget', '--repo', repo, '--keep-last', '2', '--keep-tag', 'keep-me']);
      const res = await killOnProgress(['prune', '--repo', repo], when);
      expect(res.killed).toBe(true);
      expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
      await restoresExactly([1, 3, 4]);
      // The killed prune's lock is stale (its process is gone) and is removed without help.
      await cairnOk(['prune', '--repo', repo]);
      expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
      await restoresExactly([1, 3, 4]);
    });
  }
});
