/**
 * Every blob some snapshot needs: its trees and the chunks of its files. Trees shared between
 * snapshots are walked once.
 */
import type { Repository } from '../repository/repository.js';
import { listSnapshots } from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';

export async function usedBlobs(repo: Repository, signal?: AbortSignal): Promise<Set<string>> {
  const used = new Set<string>();
  const visit = async (treeId: string): Promise<void> => {
    if (used.has(treeId)) return;
    used.add(treeId);
    throwIfCancelled(signal);
    for (const node of (await repo.loadTree(treeId)).nodes) {
      for (const id of node.content ?? []) used.add(id);
      if (node.subtree) await visit(node.subtree);
    }
  };
  for (const snap of await listSnapshots(repo)) await visit(snap.tree);
  return used;
}
