/**
 * Restore is best effort: a damaged blob (a flipped byte in a pack, a pack gone) fails only the
 * files that use it, a damaged tree only the folder it describes. Every other file comes back
 * byte for byte, the damaged ones are listed (stderr and --json), none is left behind under its
 * real name or as a hidden partial file, and the restore exits 3 (done but incomplete).
 */
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TreeNode } from '../../electron/engine/format/tree.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { craftSnapshot } from '../helpers/crafted-snapshot.js';
import { describeTree, type EntryDescription } from '../helpers/file-tree.js';
import {
  flipBlob,
  packPath,
  repositoryLayout,
  type RepositoryLayout,
} from '../helpers/repo-damage.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';
const MiB = 1024 * 1024;

function partialFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((n) =>
    n.endsWith('.cairn-part'),
  );
}

/** The original folder's description without the given snapshot paths (`/docs/a` → `a`). */
function without(
  original: Record<string, EntryDescription>,
  gone: string[],
): Record<string, EntryDescription> {
  const rel = gone.map((p) => p.replace(/^\/docs\/?/, ''));
  return Object.fromEntries(
    Object.entries(original).filter(([p]) => !rel.some((g) => p === g || p.startsWith(g + '/'))),
  );
}

describe('restore from a damaged repository', () => {
  const dir = tempDir();
  const src = path.join(dir, 'docs');
  const repo = path.join(dir, 'repo');
  let original: Record<string, EntryDescription>;
  let snapshot: { id: string; short_id: string; tree: string };
  let layout: RepositoryLayout;

  beforeAll(async () => {
    for (let d = 0; d < 20; d++) {
      const sub = path.join(src, `sub-${String(d).padStart(2, '0')}`);
      mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 100; f++)
        writeFileSync(
          path.join(sub, `file-${String(f).padStart(3, '0')}.txt`),
          randomBytes(200 + ((d * 100 + f) % 40) * 50),
        );
    }
    mkdirSync(path.join(src, 'big'));
    for (let i = 1; i <= 3; i++)
      writeFileSync(path.join(src, 'big', `large-${i}.bin`), randomBytes(12 * MiB));
    mkdirSync(path.join(src, 'dup'));
    const same = randomBytes(3000);
    writeFileSync(path.join(src, 'dup', 'a.txt'), same);
    writeFileSync(path.join(src, 'dup', 'b.txt'), same);
    mkdirSync(path.join(src, 'links'));
    writeFileSync(path.join(src, 'links', 'original.txt'), randomBytes(5000));
    linkSync(path.join(src, 'links', 'original.txt'), path.join(src, 'links', 'linked.txt'));
    original = describeTree(src);

    await cairnOk(['init', '--repo', repo]);
    snapshot = JSON.parse(
      (await cairnOk(['backup', src, '--repo', repo, '--json'])).stdout,
    ).snapshot;
    layout = await repositoryLayout(repo, snapshot.tree);
  });

  it('restores every other file exactly when bytes of some data blobs are flipped', async () => {
    const damagedRepo = path.join(dir, 'repo-flipped');
    cpSync(repo, damagedRepo, { recursive: true });
    const big = layout.files.get('/docs/big/large-2.bin')!;
    expect(big.length).toBeGreaterThan(4);
    for (const id of [
      layout.files.get('/docs/sub-07/file-042.txt')![0]!,
      big[3]!, // a file spread over several ranges of its pack
      layout.files.get('/docs/dup/a.txt')![0]!, // stored once for two files
      layout.files.get('/docs/links/original.txt')![0]!, // a hard-link group
    ])
      flipBlob(damagedRepo, layout, id);
    const expected = [
      '/docs/big/large-2.bin',
      '/docs/dup/a.txt',
      '/docs/dup/b.txt',
      '/docs/links/linked.txt',
      '/docs/links/original.txt',
      '/docs/sub-07/file-042.txt',
    ];

    const out = path.join(dir, 'out-flipped');
    const res = await cairn(['restore', snapshot.id, '--target', out, '--repo', damagedRepo]);
    expect(res.code).toBe(3);
    const lines = res.stderr.split('\n').filter((l) => l.startsWith('damaged: '));
    expect(lines.map((l) => l.split(': ')[1]).sort()).toEqual(expected);
    for (const l of lines) expect(l).toMatch(/damaged or altered|does not match/);
    expect(res.stderr).toContain(
      `cairn: restore finished, but ${expected.length} file(s) or folder(s) could not be restored`,
    );
    expect(res.stdout).toMatch(/^restored \d+ file\(s\)/);
    expect(describeTree(path.join(out, 'docs'))).toEqual(without(original, expected));
    expect(partialFiles(out)).toEqual([]);

    const jsonOut = path.join(dir, 'out-flipped-json');
    const json = await cairn([
      'restore',
      snapshot.id,
      '--target',
      jsonOut,
      '--repo',
      damagedRepo,
      '--json',
    ]);
    expect(json.code).toBe(3);
    const result = JSON.parse(json.stdout);
    expect(result.damaged.map((d: { path: string }) => d.path).sort()).toEqual(expected);
    expect(result.files_restored).toBe(
      Object.values(without(original, expected)).filter((e) => e.type === 'file').length,
    );
    expect(describeTree(path.join(jsonOut, 'docs'))).toEqual(without(original, expected));
  });

  it('keeps the copy already on disk when --overwrite always meets a damaged file', async () => {
    const damagedRepo = path.join(dir, 'repo-overwrite');
    cpSync(repo, damagedRepo, { recursive: true });
    flipBlob(damagedRepo, layout, layout.files.get('/docs/sub-07/file-042.txt')![0]!);
    const out = path.join(dir, 'out-overwrite');
    const mine = path.join(out, 'docs', 'sub-07', 'file-042.txt');
    const sound = path.join(out, 'docs', 'sub-07', 'file-041.txt');
    mkdirSync(path.dirname(mine), { recursive: true });
    writeFileSync(mine, 'my own copy\n');
    writeFileSync(sound, 'changed since the backup\n');

    const res = await cairn([
      'restore',
      snapshot.id,
      '--target',
      out,
      '--repo',
      damagedRepo,
      '--overwrite',
      'always',
    ]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^damaged: \/docs\/sub-07\/file-042\.txt: /m);
    // Replaced only by a complete file: the damaged one leaves the user's copy as it was.
    expect(readFileSync(mine, 'utf8')).toBe('my own copy\n');
    expect(readFileSync(sound)).toEqual(readFileSync(path.join(src, 'sub-07', 'file-041.txt')));
    expect(partialFiles(out)).toEqual([]);
  });

  it('restores every other file exactly when a pack is missing', async () => {
    const damagedRepo = path.join(dir, 'repo-lost-pack');
    cpSync(repo, damagedRepo, { recursive: true });
    const lost = layout.locate(layout.files.get('/docs/sub-03/file-010.txt')![0]!).pack;
    rmSync(packPath(damagedRepo, lost));
    const expected = [...layout.files]
      .filter(([, content]) => content.some((id) => layout.locate(id).pack === lost))
      .map(([p]) => p)
      .sort();
    expect(expected.length).toBeLessThan(layout.files.size);

    const out = path.join(dir, 'out-lost-pack');
    const res = await cairn([
      'restore',
      snapshot.id,
      '--target',
      out,
      '--repo',
      damagedRepo,
      '--json',
    ]);
    expect(res.code).toBe(3);
    const result = JSON.parse(res.stdout);
    expect(result.damaged.map((d: { path: string }) => d.path).sort()).toEqual(expected);
    for (const d of result.damaged) expect(d.message).toContain(`pack ${lost.slice(0, 12)}`);
    expect(describeTree(path.join(out, 'docs'))).toEqual(without(original, expected));
    expect(partialFiles(out)).toEqual([]);
  });

  it('fails only the folder whose tree is damaged, and goes on with the rest', async () => {
    const damagedRepo = path.join(dir, 'repo-tree');
    cpSync(repo, damagedRepo, { recursive: true });
    flipBlob(damagedRepo, layout, layout.dirs.get('/docs/sub-11')!);

    const out = path.join(dir, 'out-tree');
    // With progress on, the restore first counts what it will write: that walk meets the
    // damaged tree too.
    const res = await cairn(['restore', snapshot.id, '--target', out, '--repo', damagedRepo], {
      env: { CAIRN_PROGRESS: 'json' },
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^damaged: \/docs\/sub-11: .*damaged or altered/m);
    expect(describeTree(path.join(out, 'docs'))).toEqual(without(original, ['/docs/sub-11']));
  });

  it('restores what an --include names, and says which include is not in the snapshot', async () => {
    const none = path.join(dir, 'out-none');
    const missing = await cairn([
      'restore',
      snapshot.id,
      '--target',
      none,
      '--repo',
      repo,
      '--include',
      '/docs/taxes',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`cairn: /docs/taxes is not in snapshot ${snapshot.short_id}`);
    expect(missing.stdout).toMatch(/^restored 0 file\(s\)/);
    expect(() => readdirSync(none)).toThrow(/ENOENT/);

    const some = path.join(dir, 'out-some');
    const partly = await cairn([
      'restore',
      snapshot.id,
      '--target',
      some,
      '--repo',
      repo,
      '--include',
      '/docs/sub-01',
      '--include',
      '/docs/taxes',
      '--include',
      '/docs/sub-02/nothing.txt',
    ]);
    expect(partly.code).toBe(3);
    expect(partly.stdout).toMatch(/^restored 100 file\(s\)/);
    expect(partly.stderr).toContain(`warning: /docs/taxes: not in snapshot ${snapshot.short_id}`);
    expect(partly.stderr).toContain(
      `warning: /docs/sub-02/nothing.txt: not in snapshot ${snapshot.short_id}`,
    );
    expect(describeTree(path.join(some, 'docs', 'sub-01'))).toEqual(
      describeTree(path.join(src, 'sub-01')),
    );
    expect(readdirSync(path.join(some, 'docs'))).toEqual(['sub-01']);
  });
});

describe('a crafted tree with malformed entries', () => {
  const dir = tempDir();
  const repoPath = path.join(dir, 'repo');
  let snapshot: { id: string; short_id: string };

  beforeAll(async () => {
    await cairnOk(['init', '--repo', repoPath]);
    const repo = await Repository.open(new LocalTarget(repoPath), PASSWORD);
    const { id: payload } = await repo.saveBlob('data', Buffer.from('fine\n'));
    const file = (name: string, fields: Record<string, unknown> = {}): TreeNode =>
      ({
        name,
        type: 'file',
        mode: 0o644,
        mtime_ns: '1700000000000000000',
        size: 5,
        content: [payload],
        ...fields,
      }) as TreeNode;
    const inner = await repo.saveTree({ nodes: [file('inside.txt')] });
    const { id: garbled } = await repo.saveBlob('tree', Buffer.from('{"nodes": 5}'));
    const src = await repo.saveTree({
      nodes: [
        file('bad-content.txt', { content: 'abc' }),
        file('bad-size.txt', { size: '5' }),
        file('bad-time.txt', { mtime_ns: 'abc' }),
        file('fine.txt'),
        { name: 'garbled', type: 'dir', mode: 0o755, mtime_ns: '0', subtree: garbled },
        { name: 'sub', type: 'dir', mode: '755', mtime_ns: '0', subtree: inner } as never,
      ],
    });
    const root = await repo.saveTree({
      nodes: [{ name: 'src', type: 'dir', mode: 0o755, mtime_ns: '0', subtree: src }],
    });
    await repo.flush();
    snapshot = await craftSnapshot(repo, {
      paths: ['/src'],
      sources: [{ kind: 'folder', path: '/src', name: 'src' }],
      tree: root,
    });
  });

  it('restores the sound entries and names each malformed one with what is wrong', async () => {
    const out = path.join(dir, 'out');
    const res = await cairn(['restore', snapshot.id, '--target', out, '--repo', repoPath]);
    expect(res.code).toBe(3);
    const damaged = res.stderr.split('\n').filter((l) => l.startsWith('damaged: '));
    expect(damaged).toEqual([
      'damaged: /src/bad-content.txt: malformed entry in the snapshot: content is "abc", not a list of blob ids',
      'damaged: /src/bad-size.txt: malformed entry in the snapshot: size is "5", not a whole number',
      'damaged: /src/bad-time.txt: malformed entry in the snapshot: mtime_ns is "abc", not a whole number of nanoseconds',
      expect.stringMatching(
        /^damaged: \/src\/garbled: tree [0-9a-f]{12} is malformed: it has no list of entries$/,
      ),
      'damaged: /src/sub: malformed entry in the snapshot: mode is "755", not permission bits',
    ]);
    expect(res.stderr).not.toMatch(/SyntaxError|RangeError|TypeError|BigInt/);
    expect(readdirSync(path.join(out, 'src'))).toEqual(['fine.txt']);
    expect(readFileSync(path.join(out, 'src', 'fine.txt'), 'utf8')).toBe('fine\n');
  });

  it('ls says which entry is malformed and how, in one line', async () => {
    const all = await cairn(['ls', snapshot.id, '--repo', repoPath]);
    expect(all.code).toBe(1);
    expect(all.stderr).toBe(
      'cairn: /src/bad-content.txt is malformed in the snapshot: content is "abc", not a list of blob ids\n',
    );
    const one = await cairn(['ls', snapshot.id, '/src/bad-time.txt', '--repo', repoPath]);
    expect(one.code).toBe(1);
    expect(one.stderr).toBe(
      'cairn: /src/bad-time.txt is malformed in the snapshot: mtime_ns is "abc", not a whole number of nanoseconds\n',
    );
    const garbled = await cairn(['ls', snapshot.id, '/src/garbled', '--repo', repoPath]);
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toMatch(
      /^cairn: \/src\/garbled cannot be read: tree [0-9a-f]{12} is malformed: it has no list of entries\n$/,
    );
    const fine = await cairnOk(['ls', snapshot.id, '/src/fine.txt', '--repo', repoPath]);
    expect(fine.stdout).toBe('/src/fine.txt\n');
  });
});
