/**
 * A crafted snapshot must never make restore write outside the target folder: names like `..`,
 * names holding a separator (absolute paths), duplicate names, and a symlink followed by a
 * folder of the same name with a file below it.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TreeNode } from '../../electron/engine/format/tree.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { craftSnapshot } from '../helpers/crafted-snapshot.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';

describe('restore of a crafted snapshot', () => {
  const dir = tempDir();
  const repoPath = path.join(dir, 'repo');
  const outside = path.join(dir, 'outside');

  async function craft(): Promise<string> {
    await cairnOk(['init', '--repo', repoPath]);
    const repo = await Repository.open(new LocalTarget(repoPath), PASSWORD);
    const { id: payload } = await repo.saveBlob('data', Buffer.from('pwned\n'));
    const file = (name: string): TreeNode => ({
      name,
      type: 'file',
      mode: 0o644,
      mtime_ns: '0',
      size: 6,
      content: [payload],
    });
    const inner = await repo.saveTree({ nodes: [file('pwned')] });
    const deep = await repo.saveTree({ nodes: [file('../../escaped-deep')] });
    const src = await repo.saveTree({
      nodes: [
        file('..'),
        file('.'),
        file(''),
        file('../escaped'),
        file(`${outside}/absolute`),
        file('fine.txt'),
        { name: 'evil', type: 'symlink', mode: 0o777, mtime_ns: '0', link_target: outside },
        { name: 'evil', type: 'dir', mode: 0o755, mtime_ns: '0', subtree: inner },
        { name: 'nested', type: 'dir', mode: 0o755, mtime_ns: '0', subtree: deep },
      ],
    });
    const root = await repo.saveTree({
      nodes: [{ name: 'src', type: 'dir', mode: 0o755, mtime_ns: '0', subtree: src }],
    });
    await repo.flush();
    const snap = await craftSnapshot(repo, {
      paths: ['/src'],
      sources: [{ kind: 'folder', path: '/src', name: 'src' }],
      tree: root,
    });
    return snap.id;
  }

  it('writes nothing outside the target, whatever the policy, and reports what it refused', async () => {
    mkdirSync(outside);
    const snapshot = await craft();
    for (const policy of ['skip', 'always', 'rename']) {
      const target = path.join(dir, `target-${policy}`, 'restore-here');
      mkdirSync(target, { recursive: true });
      const res = await cairn([
        'restore',
        snapshot,
        '--target',
        target,
        '--repo',
        repoPath,
        '--overwrite',
        policy,
      ]);
      // Done, but not everything in the snapshot was restored.
      expect(res.code).toBe(3);
      expect(res.stderr).toMatch(/refused: unsafe or duplicate name/);
      expect(readdirSync(outside)).toEqual([]);
      expect(existsSync(path.join(dir, `target-${policy}`, 'escaped'))).toBe(false);
      expect(existsSync(path.join(dir, `target-${policy}`, 'escaped-deep'))).toBe(false);
      expect(existsSync(path.join(target, 'src/fine.txt'))).toBe(true);
    }
  });

  it('does not follow a symlink already in the target folder', async () => {
    const snapshot = (
      JSON.parse((await cairnOk(['snapshots', '--repo', repoPath, '--json'])).stdout) as {
        id: string;
      }[]
    )[0]!.id;
    const target = path.join(dir, 'planted');
    mkdirSync(path.join(target, 'src'), { recursive: true });
    // Someone planted src/evil → outside before the restore; a folder "evil" comes from the snapshot.
    symlinkSync(outside, path.join(target, 'src/evil'));
    for (const policy of ['skip', 'always', 'rename']) {
      await cairn([
        'restore',
        snapshot,
        '--target',
        target,
        '--repo',
        repoPath,
        '--overwrite',
        policy,
      ]);
      expect(readdirSync(outside)).toEqual([]);
    }
  });
});
