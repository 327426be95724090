/**
 * Prune's order of work, for a disk that is full or fails part way:
 * - it deletes what nothing needs before it writes anything, index files before the packs they
 *   name, so a prune killed at any of those steps leaves every snapshot restorable;
 * - a forget --prune that fails part way says what it had already removed;
 * - repacking checks each blob before copying it: of two copies, the damaged one is never kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../electron/engine/errors.js';
import { forgetAndPrune } from '../../electron/engine/forget/forget.js';
import type { IndexFile } from '../../electron/engine/format/index-file.js';
import { openJson, sealObject } from '../../electron/engine/format/sealed-object.js';
import { MasterIndex } from '../../electron/engine/repository/master-index.js';
import { PackWriter } from '../../electron/engine/repository/pack-writer.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';
import { switchableView } from '../helpers/test-disks.js';

const MiB = 1024 * 1024;
const PASSWORD = 'correct horse battery staple';

/**
 * A repository with three versions of one file, the two older ones forgotten: their index
 * files and packs hold nothing any snapshot uses. Returns the newest version's bytes.
 */
async function withForgottenVersions(
  root: string,
  forget = true,
): Promise<{ repo: string; src: string; newest: Buffer; versions: Buffer[] }> {
  const src = path.join(root, 'src');
  const repo = path.join(root, 'repo');
  mkdirSync(src, { recursive: true });
  await cairnOk(['init', '--repo', repo]);
  const versions: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    versions.push(randomBytes(3 * MiB));
    writeFileSync(path.join(src, 'a.bin'), versions[i]!);
    await cairnOk(['backup', src, '--repo', repo]);
  }
  if (forget) await cairnOk(['forget', '--repo', repo, '--keep-last', '1']);
  return { repo, src, newest: versions[2]!, versions };
}

async function restoredFile(repo: string, out: string): Promise<Buffer> {
  await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
  return readFileSync(path.join(out, 'src', 'a.bin'));
}

describe('prune order', () => {
  const dir = tempDir();

  // After the first forgotten index file, after the second, after the first of their packs.
  for (const step of [1, 2, 3]) {
    it(`a prune killed after deletion ${step} of what nothing needs leaves every snapshot restorable`, async () => {
      const run = path.join(dir, `killed-${step}`);
      const { repo, src, newest, versions } = await withForgottenVersions(run);
      const killed = await killOnProgress(
        ['prune', '--repo', repo],
        (p) => p.phase === 'prune' && p.files_done === step,
      );
      expect(killed.killed).toBe(true);
      expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
      expect((await restoredFile(repo, path.join(run, 'out'))).equals(newest)).toBe(true);

      // The oldest version comes back: its chunks may still sit in packs no index names, which
      // a backup must not count on.
      writeFileSync(path.join(src, 'a.bin'), versions[0]!);
      await cairnOk(['backup', src, '--repo', repo]);
      await cairnOk(['prune', '--repo', repo]);
      expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
      expect((await restoredFile(repo, path.join(run, 'out2'))).equals(versions[0]!)).toBe(true);
    });
  }

  it('forget --prune that fails part way says which snapshots it forgot and how many packs prune deleted', async (ctx) => {
    const run = path.join(dir, 'fails-midway');
    const { repo, newest } = await withForgottenVersions(run, false);
    const older = (
      JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout) as {
        short_id: string;
      }[]
    )
      .slice(0, 2)
      .map((s) => s.short_id);
    const view = switchableView(repo);
    if ('skip' in view) return ctx.skip(view.skip);

    // The disk turns read-only once prune has deleted its first pack (after two index files).
    const res = await killOnProgress(
      ['forget', '--repo', view.path, '--keep-last', '1', '--prune'],
      (p) => p.phase === 'prune' && p.files_done === 3,
      { signal: null, whileFrozen: async () => view.makeReadOnly() },
    );
    expect(res.killed).toBe(true);
    expect(res.code).toBe(1);
    const [a, b] = older;
    const said = res.stderr.split('\n').filter((l) => l && !l.startsWith('{'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      new RegExp(
        `^cairn: forgot 2 snapshot\\(s\\) \\((?:${a}, ${b}|${b}, ${a})\\), ` +
          'then prune deleted 1 unused pack\\(s\\) before it stopped: ' +
          `the repository at ${view.path} is read-only: .+ \\((EROFS|EACCES) while removing a pack\\)$`,
      ),
    );
    view.undo();

    expect((await cairnOk(['snapshots', '--repo', repo])).stdout).toMatch(/^1 snapshot\(s\)$/m);
    await cairnOk(['prune', '--repo', repo]);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    expect((await restoredFile(repo, path.join(run, 'out'))).equals(newest)).toBe(true);
  });

  it('a forget that stops between snapshots says which it had already removed', async () => {
    const run = path.join(dir, 'forget-stops');
    const { repo: repoDir } = await withForgottenVersions(run, false);
    const repo = await Repository.open(new LocalTarget(repoDir), PASSWORD);
    let confirmations = 0;
    const forgetting = forgetAndPrune(
      repo,
      { rules: { keepLast: 1 }, prune: true },
      {
        // Fault injection: the lock is found lost before the second removal.
        confirmLock: async () => {
          if (++confirmations === 2)
            throw new CairnError('repository-locked', 'the lock was removed by another process');
        },
      },
    );
    await expect(forgetting).rejects.toThrow(
      /^forgot 1 of 2 snapshot\(s\) \([0-9a-f]{8}\) before it stopped: the lock was removed by another process$/,
    );
    await expect(forgetting).rejects.toMatchObject({ kind: 'repository-locked' });
    await repo.close();
    expect(
      (await cairnOk(['snapshots', '--repo', repoDir])).stdout.match(/^(\d) snapshot/m)?.[1],
    ).toBe('2');
  });

  it('repacking takes a damaged blob from a sound copy in another pack, never the damaged one', async () => {
    const run = path.join(dir, 'damaged-copy');
    const src = path.join(run, 'src');
    const repoDir = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    // Smaller than the chunker's minimum: one blob.
    const data = randomBytes(300 * 1024);
    writeFileSync(path.join(src, 'a.bin'), data);
    await cairnOk(['init', '--repo', repoDir]);
    await cairnOk(['backup', src, '--repo', repoDir]);

    // A second pack holds a copy of that blob beside 1 MiB that no snapshot uses, so prune
    // repacks it; one index file lists it first, so prune takes the blob from it.
    const repo = await Repository.open(new LocalTarget(repoDir), PASSWORD);
    const blob = repo.blobId(data);
    const garbage = randomBytes(MiB);
    const writer = new PackWriter(
      repo.target,
      repo.key,
      new MasterIndex(),
      undefined,
      undefined,
      Number.MAX_SAFE_INTEGER,
    );
    await writer.add(blob, 'data', sealObject(repo.key.encrypt, data), data.length);
    await writer.add(
      repo.blobId(garbage),
      'data',
      sealObject(repo.key.encrypt, garbage),
      garbage.length,
    );
    await writer.flushPacks();
    const [copy] = writer.takeUnindexed();
    const indexDir = path.join(repoDir, 'index');
    const old = readdirSync(indexDir);
    const packs = old.flatMap(
      (name) =>
        openJson<IndexFile>(repo.key.encrypt, readFileSync(path.join(indexDir, name)), name).packs,
    );
    await repo.saveJson('index', { packs: [copy!, ...packs], supersedes: [] } satisfies IndexFile);
    for (const name of old) rmSync(path.join(indexDir, name));
    await repo.close();

    // The copy's bytes get damaged.
    const copyFile = path.join(repoDir, 'data', copy!.id.slice(0, 2), copy!.id);
    const bytes = readFileSync(copyFile);
    const at = copy!.blobs.find((b) => b.id === blob)!.offset + 100;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(copyFile, bytes);

    const pruned = await cairnOk(['prune', '--repo', repoDir, '--json']);
    expect(JSON.parse(pruned.stdout).packs_repacked).toBeGreaterThanOrEqual(1);
    expect((await cairnOk(['check', '--repo', repoDir, '--read-data'])).stdout).toMatch(
      /no errors/,
    );
    const out = path.join(run, 'out');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repoDir]);
    expect(readFileSync(path.join(out, 'src', 'a.bin')).equals(data)).toBe(true);
  });
});
