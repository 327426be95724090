import type { Tree } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';

/** Counts files and bytes below a tree (for progress totals), limited to the selected paths. */
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
    if (s === 'none') continue;
    if (node.type === 'dir' && node.subtree) {
      const sub = await treeSize(
        repo,
        await repo.loadTree(node.subtree),
        s === 'all' ? () => 'all' : select,
        p,
      );
      files += sub.files;
      bytes += sub.bytes;
    } else if (s === 'all') {
      files++;
      bytes += node.size ?? 0;
    }
  }
  return { files, bytes };
}
