/**
 * Restore and check through a target whose packs are not local files, as S3 or SFTP will be:
 * the main thread reads each range or pack and hands the bytes to a worker, instead of the
 * worker reading the pack itself. The restored bytes are the same, and damage is found (and
 * restored around) the same way.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRepository } from '../../electron/engine/check/check.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { restoreSnapshot } from '../../electron/engine/restore/restore.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import type { ByteRange, FileKind, Target } from '../../electron/engine/targets/target.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';
const MiB = 1024 * 1024;

/** A local folder seen only through load(): no worker may read a pack itself. */
class RemoteLikeTarget implements Target {
  readonly displayName = 'remote-like';
  readonly saveConcurrency = 1;
  constructor(private readonly inner: LocalTarget) {}
  create = () => this.inner.create();
  exists = () => this.inner.exists();
  save = (kind: FileKind, name: string, data: Uint8Array | readonly Uint8Array[]) =>
    this.inner.save(kind, name, data);
  load = (kind: FileKind, name: string, range?: ByteRange) => this.inner.load(kind, name, range);
  list = (kind: FileKind) => this.inner.list(kind);
  remove = (kind: FileKind, name: string) => this.inner.remove(kind, name);
  close = () => this.inner.close();
  get spoolDir(): string {
    return this.inner.spoolDir;
  }
  adopt = (kind: FileKind, name: string, localPath: string) =>
    this.inner.adopt(kind, name, localPath);
  clearSpool = () => this.inner.clearSpool();
}

async function openRemoteLike(repoPath: string): Promise<Repository> {
  return Repository.open(new RemoteLikeTarget(new LocalTarget(repoPath)), PASSWORD);
}

describe('a repository whose packs are read through the main thread', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repoPath = path.join(dir, 'repo');

  it('restores every file exactly, and check reads every pack', async () => {
    mkdirSync(path.join(src, 'nested'), { recursive: true });
    // Spread over several ranges (and packs): created and finished by the main thread.
    writeFileSync(path.join(src, 'large.bin'), randomBytes(12 * MiB));
    // Wholly inside one range: created and finished by a worker.
    for (let i = 0; i < 40; i++)
      writeFileSync(path.join(src, 'nested', `small-${i}.txt`), `file ${i}\n`.repeat(i * 50));
    writeFileSync(path.join(src, 'empty'), '');
    await cairnOk(['init', '--repo', repoPath]);
    await cairnOk(['backup', src, '--repo', repoPath]);

    const repo = await openRemoteLike(repoPath);
    const out = path.join(dir, 'out');
    const result = await restoreSnapshot(repo, { snapshot: 'latest', target: out });
    expect(result.files_restored).toBe(42);
    expect(result.bytes_restored).toBe(statSync(path.join(src, 'large.bin')).size + smallBytes());
    expect(describeTree(path.join(out, 'src'), { mtimes: true })).toEqual(
      describeTree(src, { mtimes: true }),
    );

    const report = await checkRepository(await openRemoteLike(repoPath), { readData: true });
    expect(report.ok).toBe(true);
    expect(report.packs_read).toBe(report.packs);
  });

  it('names a damaged pack in check, and restores around it and around a lost pack', async () => {
    const data = path.join(repoPath, 'data');
    const packs = readdirSync(data).flatMap((d) =>
      readdirSync(path.join(data, d)).map((f) => path.join(data, d, f)),
    );
    const largest = packs.reduce((a, b) => (statSync(a).size >= statSync(b).size ? a : b));
    const bytes = readFileSync(largest);
    bytes[Math.floor(bytes.length / 3)]! ^= 0x01;
    writeFileSync(largest, bytes);

    const report = await checkRepository(await openRemoteLike(repoPath), { readData: true });
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'pack', id: path.basename(largest) }),
    );

    // The files that need the damaged blob are named and left out; the rest is exact.
    const bad = path.join(dir, 'bad');
    const flipped = await restoreSnapshot(await openRemoteLike(repoPath), {
      snapshot: 'latest',
      target: bad,
    });
    expect(flipped.damaged.length).toBeGreaterThan(0);
    for (const d of flipped.damaged) expect(d.message).toMatch(/damaged or altered|does not match/);
    expect(describeTree(path.join(bad, 'src'))).toEqual(
      without(describeTree(src), flipped.damaged),
    );

    // A pack gone, read through the main thread: every file with data in it is named.
    rmSync(largest);
    const lost = path.join(dir, 'lost');
    const gone = await restoreSnapshot(await openRemoteLike(repoPath), {
      snapshot: 'latest',
      target: lost,
    });
    expect(gone.damaged.map((d) => d.path)).toContain('/src/large.bin');
    for (const d of gone.damaged)
      expect(d.message).toBe(`pack ${path.basename(largest).slice(0, 12)} is missing`);
    expect(describeTree(path.join(lost, 'src'))).toEqual(without(describeTree(src), gone.damaged));

    // A pack cut short: its ranges come back shorter than asked, into buffers that earlier
    // ranges filled; what lay past the cut is named, never taken from those buffers.
    const rest = packs.filter((p) => p !== largest);
    const next = rest.reduce((a, b) => (statSync(a).size >= statSync(b).size ? a : b));
    writeFileSync(next, readFileSync(next).subarray(0, Math.floor(statSync(next).size / 2)));
    const cut = path.join(dir, 'cut');
    const short = await restoreSnapshot(await openRemoteLike(repoPath), {
      snapshot: 'latest',
      target: cut,
    });
    const cutShort = short.damaged.filter((d) => /cut short/.test(d.message));
    expect(cutShort.length).toBeGreaterThan(0);
    expect(describeTree(path.join(cut, 'src'))).toEqual(without(describeTree(src), short.damaged));
  });
});

function without<T>(tree: Record<string, T>, damaged: { path: string }[]): Record<string, T> {
  const gone = new Set(damaged.map((d) => d.path.replace(/^\/src\//, '')));
  return Object.fromEntries(Object.entries(tree).filter(([p]) => !gone.has(p)));
}

function smallBytes(): number {
  let total = 0;
  for (let i = 0; i < 40; i++) total += `file ${i}\n`.repeat(i * 50).length;
  return total;
}
