import { nodeProblem } from '../format/tree-check.js';
import type { Tree } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';
import { isDamage } from './content-writer.js';

/**
 * Counts files and bytes below a tree (for progress totals), limited to the selected paths.
 * Damaged trees and malformed entries count as nothing: the restore reports them when it gets
 * there.
 */
export async function treeSize(
  repo: Repository,
  tree: Tree,
  select: (parts: string[]) => 'all' | 'ancestor' | 'none',
  parts: string[] = [],
): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const node of tree.nodes) {
    const p = [...parts, node.name];
    const s = select(p);
    if (s === 'none' || nodeProblem(node) !== undefined) continue;
    if (node.type === 'dir' && node.subtree) {
      let subtree: Tree;
      try {
        subtree = await repo.loadTree(node.subtree);
      } catch (err) {
        if (isDamage(err)) continue;
        throw err;
      }
      const sub = await treeSize(repo, subtree, s === 'all' ? () => 'all' : select, p);
      files += sub.files;
      bytes += sub.bytes;
    } else if (s === 'all') {
      files++;
      bytes += node.size ?? 0;
    }
  }
  return { files, bytes };
}
