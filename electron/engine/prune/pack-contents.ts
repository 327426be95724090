/**
 * What each pack holds, from every index file that describes it. Packs never change once
 * written, but index files can disagree about how much of a pack they list: a prune that
 * dropped unused blobs from a kept pack writes a shorter list, and a prune killed before it
 * removed the old index files leaves both behind. A backup may since have reused a blob only the
 * longer list names, so the lists are merged, never replaced by whichever was read last.
 */
import type { IndexPack } from '../format/index-file.js';
import type { PackBlob } from '../format/pack.js';

export class PackContents {
  private readonly packs = new Map<string, Map<string, PackBlob>>();
  private readonly namedBy = new Map<string, string[]>();

  /**
   * Adds what the index file `indexFile` says about a pack, or (without one) what the pack's
   * own header says, when the index file that described it is damaged.
   */
  add(pack: IndexPack, indexFile?: string): void {
    let blobs = this.packs.get(pack.id);
    if (!blobs) this.packs.set(pack.id, (blobs = new Map()));
    for (const b of pack.blobs) if (!blobs.has(b.id)) blobs.set(b.id, b);
    const files = this.namedBy.get(pack.id);
    if (!files) this.namedBy.set(pack.id, indexFile ? [indexFile] : []);
    else if (indexFile && !files.includes(indexFile)) files.push(indexFile);
  }

  has(packId: string): boolean {
    return this.packs.has(packId);
  }

  packIds(): IterableIterator<string> {
    return this.packs.keys();
  }

  /** The index files that name a pack. */
  indexFilesOf(packId: string): readonly string[] {
    return this.namedBy.get(packId) ?? [];
  }

  /** Every pack that holds a copy of a blob, with where it sits in that pack. */
  *copiesOf(blobId: string): IterableIterator<{ pack: string; blob: PackBlob }> {
    for (const [pack, blobs] of this.packs) {
      const blob = blobs.get(blobId);
      if (blob) yield { pack, blob };
    }
  }

  /** Each pack with its blobs in the order they sit in the pack. */
  *values(): IterableIterator<IndexPack> {
    for (const [id, blobs] of this.packs) {
      yield { id, blobs: [...blobs.values()].sort((a, b) => a.offset - b.offset) };
    }
  }
}
