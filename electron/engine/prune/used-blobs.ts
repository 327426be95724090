/**
 * Every blob some snapshot needs: its trees and the chunks of its files. Trees shared between
 * snapshots are walked once.
 */
import { CairnError, errorMessage } from '../errors.js';
import type { Repository } from '../repository/repository.js';
import { listSnapshots } from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';

export async function usedBlobs(repo: Repository, signal?: AbortSignal): Promise<Set<string>> {
  const used = new Set<string>();
  const visit = async (treeId: string): Promise<void> => {
    if (used.has(treeId)) return;
    used.add(treeId);
    throwIfCancelled(signal);
    let tree;
    try {
      tree = await repo.loadTree(treeId);
    } catch (err) {
      throwIfCancelled(signal);
      // Without this tree prune cannot know what the snapshot needs, so it must not go on.
      throw new CairnError(
        'corrupt',
        `prune stopped: tree ${treeId.slice(0, 12)} cannot be read (${errorMessage(err)}); ` +
          'nothing was deleted. Run `cairn check` to see which snapshots and paths are affected, ' +
          'and `cairn repair snapshots` to remove what is lost from them',
        { cause: err },
      );
    }
    for (const node of tree.nodes) {
      for (const id of node.content ?? []) used.add(id);
      if (node.subtree) await visit(node.subtree);
    }
  };
  for (const snap of await listSnapshots(repo)) await visit(snap.tree);
  return used;
}
