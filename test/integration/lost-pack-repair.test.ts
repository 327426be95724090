/**
 * A pack file lost from the repository:
 * - the next backup of the same data stores it again instead of reusing what is gone, which
 *   heals the older snapshots that needed it;
 * - `repair snapshots` replaces a snapshot that needs it with a repaired one without the lost
 *   file (tagged `repaired`, same time, host, group and paths, noting what was removed), which
 *   restores every other file exactly; its dry run changes nothing, and a run killed between
 *   saving the repaired snapshot and removing the original finishes without a duplicate.
 * A pack with a flipped byte: `repair index --read-data` copies its sound blobs into a new pack
 * and leaves it out of the index; `repair snapshots` then cuts out the file that lost a chunk.
 * And a read that fails (the target's fault) is never taken for damage: it stops the command.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../electron/engine/errors.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { listSnapshots } from '../../electron/engine/snapshots/snapshot-store.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import type { FileKind } from '../../electron/engine/targets/target.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;
const PASSWORD = 'correct horse battery staple';

interface SnapshotJson {
  id: string;
  short_id: string;
  time: string;
  hostname: string;
  group: string;
  paths: string[];
  tags: string[];
  incomplete: boolean;
  incomplete_reasons: string[];
  original?: string;
}

function packFiles(repo: string): string[] {
  const data = path.join(repo, 'data');
  return readdirSync(data).flatMap((d) =>
    readdirSync(path.join(data, d)).map((f) => path.join(data, d, f)),
  );
}

async function backup(src: string, repo: string): Promise<SnapshotJson> {
  return JSON.parse((await cairnOk(['backup', src, '--repo', repo, '--json'])).stdout).snapshot;
}

async function snapshots(repo: string): Promise<SnapshotJson[]> {
  return JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout);
}

/** Backs up `file` (random bytes) into `src` and returns the pack holding its data. */
async function backupAndFindPack(
  src: string,
  repo: string,
  file: string,
): Promise<{ snapshot: SnapshotJson; pack: string }> {
  const before = new Set(packFiles(repo));
  writeFileSync(path.join(src, file), randomBytes(3 * MiB));
  const snapshot = await backup(src, repo);
  // The file's data: the largest new pack (the snapshot's trees get a small one of their own).
  const pack = packFiles(repo)
    .filter((p) => !before.has(p))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  return { snapshot, pack };
}

describe('a lost pack', () => {
  const dir = tempDir();

  it('is stored again by the next backup of the same data, which heals the older snapshot', async () => {
    const run = path.join(dir, 'heal');
    const src = path.join(run, 'src');
    const repo = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    await cairnOk(['init', '--repo', repo]);
    const { snapshot: older, pack } = await backupAndFindPack(src, repo, 'a.bin');
    rmSync(pack);

    await backup(src, repo);
    for (const snap of [older.id, 'latest']) {
      const out = path.join(run, `out-${snap}`);
      await cairnOk(['restore', snap, '--target', out, '--repo', repo]);
      expect(describeTree(path.join(out, 'src'))).toEqual(describeTree(src));
    }
    await cairnOk(['prune', '--repo', repo]);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
  });

  it('is cut out of the snapshots that need it by repair snapshots, which keeps everything else', async () => {
    const run = path.join(dir, 'repair');
    const src = path.join(run, 'src');
    const repo = path.join(run, 'repo');
    mkdirSync(path.join(src, 'docs'), { recursive: true });
    await cairnOk(['init', '--repo', repo]);
    writeFileSync(path.join(src, 'keep.bin'), randomBytes(MiB));
    writeFileSync(path.join(src, 'docs', 'note.txt'), 'kept\n');
    const first = await backup(src, repo);
    const { snapshot: damaged, pack } = await backupAndFindPack(src, repo, 'lost.bin');
    const expected = describeTree(src);
    delete expected['lost.bin'];
    rmSync(pack);

    const snapshotsDir = path.join(repo, 'snapshots');
    const before = readdirSync(snapshotsDir).sort();
    const dry = await cairnOk(['repair', 'snapshots', '--repo', repo, '--dry-run']);
    expect(dry.stdout).toContain(`snapshot ${damaged.short_id} of ${src} at ${damaged.time}:`);
    expect(dry.stdout).toMatch(
      / {2}would remove \/src\/lost\.bin \(\d+ of \d+ chunk\(s\) missing\)/,
    );
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect(readdirSync(snapshotsDir).sort()).toEqual(before);

    // Killed once the repaired snapshot is saved, before the original is removed.
    const killed = await killOnProgress(
      ['repair', 'snapshots', '--repo', repo],
      (p) => p.phase === 'finishing' && p.current !== null && p.files_done === 0,
    );
    expect(killed.killed).toBe(true);
    const halfway = await snapshots(repo);
    expect(halfway.map((s) => s.id)).toContain(damaged.id);
    const saved = halfway.find((s) => s.original === damaged.id);
    expect(saved).toBeDefined();

    const res = await cairnOk(['repair', 'snapshots', '--repo', repo, '--json']);
    const report = JSON.parse(res.stdout);
    expect(report.damaged_snapshot_files).toEqual([]);
    expect(report.repaired).toHaveLength(1);
    const [repair] = report.repaired;
    expect(repair.original.id).toBe(damaged.id);
    expect(repair.removed).toEqual([
      { path: '/src/lost.bin', reason: expect.stringMatching(/chunk\(s\) missing/) },
    ]);
    expect(repair.repaired.id).toBe(saved!.id);

    const after = await snapshots(repo);
    expect(after.map((s) => s.id)).toEqual([first.id, saved!.id]);
    const repaired = after[1]!;
    expect(repaired).toMatchObject({
      time: damaged.time,
      hostname: damaged.hostname,
      group: damaged.group,
      paths: damaged.paths,
      tags: ['repaired'],
      incomplete: true,
      original: damaged.id,
    });
    expect(repaired.incomplete_reasons.join('\n')).toContain('/src/lost.bin');

    const ls = await cairnOk(['ls', repaired.id, '--repo', repo]);
    expect(ls.stdout.split('\n')).not.toContain('/src/lost.bin');
    const out = path.join(run, 'out');
    await cairnOk(['restore', repaired.id, '--target', out, '--repo', repo]);
    expect(describeTree(path.join(out, 'src'))).toEqual(expected);

    await cairnOk(['prune', '--repo', repo]);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
  });

  it('a pack with a flipped byte is salvaged by repair index --read-data, then cut out by repair snapshots', async () => {
    const run = path.join(dir, 'flipped');
    const src = path.join(run, 'src');
    const repo = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    await cairnOk(['init', '--repo', repo]);
    writeFileSync(path.join(src, 'keep.bin'), randomBytes(MiB));
    const first = await backup(src, repo);
    const firstTree = describeTree(src);
    const { snapshot: damaged, pack } = await backupAndFindPack(src, repo, 'flipped.bin');
    const expected = describeTree(src);
    delete expected['flipped.bin'];
    const bytes = readFileSync(pack);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x40;
    writeFileSync(pack, bytes);
    const packId = path.basename(pack);

    const dry = await cairnOk(['repair', 'index', '--read-data', '--repo', repo, '--dry-run']);
    expect(dry.stdout).toMatch(
      new RegExp(
        `pack ${packId} is damaged \\(1 of \\d+ blob\\(s\\) fail verification\\): \\d+ sound blob\\(s\\) would be copied into a new pack, 1 lost`,
      ),
    );
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect(packFiles(repo)).toContain(pack);

    const res = await cairnOk(['repair', 'index', '--read-data', '--repo', repo, '--json']);
    expect(JSON.parse(res.stdout).salvaged_packs).toEqual([
      expect.objectContaining({ id: packId, blobs_lost: 1 }),
    ]);
    const repaired = await cairnOk(['repair', 'snapshots', '--repo', repo]);
    expect(repaired.stdout).toMatch(
      / {2}removed \/src\/flipped\.bin \(1 of \d+ chunk\(s\) missing\)/,
    );
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    await cairnOk(['prune', '--repo', repo]);
    expect(packFiles(repo)).not.toContain(pack);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);

    const [kept, replaced] = await snapshots(repo);
    expect(kept!.id).toBe(first.id);
    expect(replaced!.original).toBe(damaged.id);
    const outFirst = path.join(run, 'out-first');
    await cairnOk(['restore', first.id, '--target', outFirst, '--repo', repo]);
    expect(describeTree(path.join(outFirst, 'src'))).toEqual(firstTree);
    const out = path.join(run, 'out');
    await cairnOk(['restore', replaced!.id, '--target', out, '--repo', repo]);
    expect(describeTree(path.join(out, 'src'))).toEqual(expected);
  });

  it('a failed read is not damage: it stops the command with the target error', async () => {
    const run = path.join(dir, 'io');
    const src = path.join(run, 'src');
    const repoDir = path.join(run, 'repo');
    mkdirSync(src, { recursive: true });
    await cairnOk(['init', '--repo', repoDir]);
    writeFileSync(path.join(src, 'a.txt'), 'a\n');
    await backup(src, repoDir);

    // Fault injection: every read of one kind of file fails as a broken disk would.
    for (const kind of ['snapshots', 'index'] as FileKind[]) {
      const target = new LocalTarget(repoDir);
      const load = target.load.bind(target);
      target.load = (k, name, range) => {
        if (k !== kind) return load(k, name, range);
        const err: NodeJS.ErrnoException = new Error(`EIO: i/o error, read`);
        err.code = 'EIO';
        return Promise.reject(err);
      };
      const repo = await Repository.open(target, PASSWORD);
      const attempt = kind === 'snapshots' ? listSnapshots(repo) : repo.loadIndex();
      const err = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CairnError);
      expect((err as CairnError).kind).toBe('target-unreachable');
      expect((err as CairnError).message).toContain('EIO');
      expect(repo.damage.warnings).toEqual([]);
      await repo.close();
    }
  });
});
