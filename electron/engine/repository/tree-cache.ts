/**
 * Parsed trees by id, least recently used dropped first once their bytes pass a bound. A tree's
 * id is the hash of its bytes, so a cached tree is never stale: it can be shared by every
 * Repository of one kept-open repository, across prunes and refreshed indexes.
 */
import type { Tree } from '../format/tree.js';

/** What a kept-open repository keeps of parsed trees unless told otherwise. */
export const defaultTreeCacheBytes = 64 * 1024 * 1024;

export class TreeCache {
  // Map order is insertion order: re-inserting on a hit makes the entry the most recent.
  private readonly trees = new Map<string, { tree: Tree; bytes: number }>();
  private bytes = 0;

  /** `maxBytes` counts each tree's stored (JSON) size, which its parsed form roughly follows. */
  constructor(private readonly maxBytes: number) {}

  get(id: string): Tree | undefined {
    const hit = this.trees.get(id);
    if (!hit) return undefined;
    this.trees.delete(id);
    this.trees.set(id, hit);
    return hit.tree;
  }

  set(id: string, tree: Tree, bytes: number): void {
    if (bytes > this.maxBytes || this.trees.has(id)) return;
    this.trees.set(id, { tree, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.trees) {
      if (this.bytes <= this.maxBytes) break;
      this.trees.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  get size(): number {
    return this.trees.size;
  }
}
