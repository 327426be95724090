/**
 * An engine that keeps repositories open (the desktop app's and `cairn serve`'s) against a
 * repository the built CLI writes to meanwhile: it answers without deriving the key again (its
 * key file is made unusable after the first request, which a fresh open would need), sees the
 * CLI's new snapshot, a forget and a prune that moved the data (holding no pruned pack open),
 * and refuses the old password once `cairn key passwd` changed it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/service.js';
import type { RepositoryRef } from '../../electron/engine/service-types.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const password = 'correct horse battery staple';

/** Every pack file name under data/. */
function packs(repo: string): Set<string> {
  const out = new Set<string>();
  for (const fan of readdirSync(path.join(repo, 'data')))
    if (/^[0-9a-f]{2}$/.test(fan))
      for (const p of readdirSync(path.join(repo, 'data', fan))) out.add(p);
  return out;
}

/** Files under `dir` this process holds open though they were removed (Linux's /proc). */
function removedButOpen(dir: string): string[] {
  return openUnder(dir).filter((f) => f.endsWith(' (deleted)'));
}

/** Files under `dir` this process holds open (Linux's /proc). */
function openUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target.startsWith(dir + path.sep)) out.push(target);
  }
  return out;
}

/** Waits until this process holds no file under `dir` open (files close asynchronously). */
async function noneOpenUnder(dir: string): Promise<void> {
  for (let i = 0; i < 1000 && openUnder(dir).length > 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(openUnder(dir)).toEqual([]);
}

/** Runs `fn` while the repository's key files hold other bytes: nothing can derive the key. */
async function withKeysUnusable<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(repo, 'keys');
  const saved = readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name))] as const);
  for (const [name] of saved) writeFileSync(path.join(dir, name), '{"not":"a key"}');
  try {
    return await fn();
  } finally {
    for (const [name, bytes] of saved) writeFileSync(path.join(dir, name), bytes);
  }
}

describe('an engine that keeps the repository open', () => {
  const dir = tempDir('cairn-open-');
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'src');
  const ref: RepositoryRef = { location: repo, password };
  const docs = '/src/docs'; // the backed-up folder, by its name, at the snapshot's root
  const engine = createEngine({ keepOpen: true });
  afterAll(() => engine.close());

  // Small files travel in one batch, so they share packs: after the first snapshot is
  // forgotten, the prune has to repack `kept.bin` out of packs that are mostly garbage.
  const gone = randomBytes(20_000); // only in the first snapshot, with 19 more like it
  const kept = randomBytes(20_000); // in both snapshots
  const added = randomBytes(20_000); // only in the second
  let firstPacks = new Set<string>();

  it('answers listSnapshots, listTree and previews without deriving the key again', async () => {
    mkdirSync(path.join(src, 'docs'), { recursive: true });
    writeFileSync(path.join(src, 'docs', 'gone.bin'), gone);
    for (let i = 1; i < 20; i++)
      writeFileSync(path.join(src, 'docs', `gone-${i}.bin`), randomBytes(20_000));
    writeFileSync(path.join(src, 'docs', 'kept.bin'), kept);
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
    firstPacks = packs(repo);

    const [first] = await engine.listSnapshots(ref);
    expect(first).toBeDefined();
    await withKeysUnusable(repo, async () => {
      // A fresh open has to derive the key from a key file, and cannot now.
      await expect(createEngine().listSnapshots(ref)).rejects.toMatchObject({ kind: 'corrupt' });

      expect((await engine.listSnapshots(ref)).map((s) => s.id)).toEqual([first!.id]);
      expect((await engine.listTree(ref, first!.id, '/')).map((e) => e.name)).toEqual(['src']);
      const names = (await engine.listTree(ref, first!.id, docs)).map((e) => e.name);
      expect(names).toHaveLength(21);
      expect(names).toContain('kept.bin');
      const head = await engine.readFile(ref, first!.id, `${docs}/gone.bin`, {
        offset: 0,
        length: 64 * 1024,
      });
      expect(head.equals(gone.subarray(0, 64 * 1024))).toBe(true);
    });
  });

  it('sees a snapshot the CLI made meanwhile, and its files', async () => {
    rmSync(path.join(src, 'docs', 'gone.bin'));
    for (let i = 1; i < 20; i++) rmSync(path.join(src, 'docs', `gone-${i}.bin`));
    writeFileSync(path.join(src, 'docs', 'added.bin'), added);
    await cairnOk(['backup', src, '--repo', repo]);

    const snapshots = await engine.listSnapshots(ref);
    expect(snapshots).toHaveLength(2);
    const second = snapshots[1]!;
    const names = (await engine.listTree(ref, second.id, docs)).map((e) => e.name);
    expect(names.sort()).toEqual(['added.bin', 'kept.bin']);
    const bytes = await engine.readFile(ref, 'latest', `${docs}/added.bin`, {
      offset: 0,
      length: added.length,
    });
    expect(bytes.equals(added)).toBe(true);
  });

  it('sees a forget and a prune the CLI did meanwhile: no forgotten snapshot, no missing pack', async () => {
    const before = await engine.listSnapshots(ref);
    await cairnOk(['forget', '--repo', repo, '--keep-last', '1', '--prune']);
    // The prune really moved the data: no pack of the first backup is left.
    const left = packs(repo);
    expect([...firstPacks].filter((p) => left.has(p))).toEqual([]);

    const after = await engine.listSnapshots(ref);
    expect(after.map((s) => s.id)).toEqual([before[1]!.id]);
    await expect(engine.listTree(ref, before[0]!.id, '/')).rejects.toMatchObject({
      kind: 'snapshot-not-found',
    });
    for (const [name, data] of [
      ['kept.bin', kept],
      ['added.bin', added],
    ] as const) {
      const bytes = await engine.readFile(ref, after[0]!.id, `${docs}/${name}`, {
        offset: 0,
        length: data.length,
      });
      expect(bytes.equals(data)).toBe(true);
    }
    // The pruned packs' disk space is free although the repository stays open.
    expect(removedButOpen(repo)).toEqual([]);
  });

  it('refuses the old password once `cairn key passwd` changed it', async () => {
    await cairnOk(['key', 'passwd', '--repo', repo], {
      env: { CAIRN_NEW_PASSWORD: 'a new password' },
    });
    await expect(engine.listSnapshots(ref)).rejects.toMatchObject({ kind: 'wrong-password' });
    await expect(engine.listTree(ref, 'latest', '/')).rejects.toMatchObject({
      kind: 'wrong-password',
    });
    const renewed = await engine.listSnapshots({ location: repo, password: 'a new password' });
    expect(renewed).toHaveLength(1);
  });
});

describe('closing an open repository', () => {
  const dir = tempDir('cairn-open-idle-');
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'src');
  const ref: RepositoryRef = { location: repo, password };

  /** Reads a file of the snapshot, which leaves its pack file open in the engine. */
  async function preview(engine: ReturnType<typeof createEngine>): Promise<void> {
    const head = await engine.readFile(ref, 'latest', '/src/a.bin', { offset: 0, length: 10 });
    expect(head).toHaveLength(10);
    expect(openUnder(repo).length).toBeGreaterThan(0);
  }

  it('releases its files when the host closes the engine, and after a while unused', async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.bin'), randomBytes(50_000));
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);

    const engine = createEngine({ keepOpen: true });
    await preview(engine);
    await engine.close();
    await noneOpenUnder(repo);

    const idle = createEngine({ keepOpen: { idleMs: 1 } });
    await preview(idle);
    await noneOpenUnder(repo);
    // Closed, not broken: the next request opens it again.
    await preview(idle);
    await idle.close();
  });
});
