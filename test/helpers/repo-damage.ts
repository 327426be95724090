/**
 * Damage planted at a known place in a repository, as a failing disk or a tamperer would leave
 * it: where each file's blobs and each folder's tree are is read through the repository's own
 * index, so a test knows exactly which files a flipped byte or a lost pack affects.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Tree } from '../../electron/engine/format/tree.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';

const PASSWORD = 'correct horse battery staple';

export interface RepositoryLayout {
  /** Snapshot path of each file → its blob ids. */
  files: Map<string, string[]>;
  /** Snapshot path of each folder → its tree blob id. */
  dirs: Map<string, string>;
  locate(id: string): { pack: string; offset: number; length: number };
}

export async function repositoryLayout(
  repoPath: string,
  rootTree: string,
  password = PASSWORD,
): Promise<RepositoryLayout> {
  const repo = await Repository.open(new LocalTarget(repoPath), password);
  await repo.loadIndex();
  const files = new Map<string, string[]>();
  const dirs = new Map<string, string>();
  const walk = async (tree: Tree, prefix: string): Promise<void> => {
    for (const node of tree.nodes) {
      const p = `${prefix}/${node.name}`;
      if (node.type === 'file') files.set(p, node.content ?? []);
      if (node.type === 'dir' && node.subtree) {
        dirs.set(p, node.subtree);
        await walk(await repo.loadTree(node.subtree), p);
      }
    }
  };
  await walk(await repo.loadTree(rootTree), '');
  return {
    files,
    dirs,
    locate(id) {
      const loc = repo.index.lookup(id);
      if (!loc) throw new Error(`blob ${id} is not in the index`);
      return loc;
    },
  };
}

export function packPath(repoPath: string, pack: string): string {
  return path.join(repoPath, 'data', pack.slice(0, 2), pack);
}

/** Flips one byte in the middle of a blob, inside its pack. */
export function flipBlob(repoPath: string, layout: RepositoryLayout, id: string): void {
  const loc = layout.locate(id);
  const file = packPath(repoPath, loc.pack);
  const bytes = readFileSync(file);
  const at = loc.offset + Math.floor(loc.length / 2);
  bytes[at] = bytes[at]! ^ 0x5a;
  writeFileSync(file, bytes);
}
