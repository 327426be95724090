/**
 * The in-memory view of all index files: blob id → where it lives. Blobs being written by
 * this process (packed but not yet uploaded) are tracked too, so one backup never stores the
 * same chunk twice.
 *
 * Index files that cannot be read (damaged) are remembered; the packs they described are then
 * known from the packs' own headers (Repository.loadIndex), and a pack whose header cannot be
 * read either is remembered as unreadable: nothing is ever reused from it.
 */
import type { BlobType, PackBlob } from '../format/pack.js';
import type { IndexFile } from '../format/index-file.js';

export interface BlobLocation {
  pack: string;
  type: BlobType;
  offset: number;
  length: number;
  raw_length: number;
}

export class MasterIndex {
  private readonly blobs = new Map<string, BlobLocation>();
  private readonly inFlight = new Set<string>();
  /** For a blob named in several packs: the locations other than the one in `blobs`. */
  private readonly elsewhere = new Map<string, BlobLocation[]>();
  /** Index file ids that have been loaded. */
  readonly files = new Set<string>();
  /** Index file ids that are damaged, and why. */
  readonly damagedFiles = new Map<string, string>();
  /** Packs some loaded index file (or this process, or the pack's own header) describes. */
  readonly describedPacks = new Set<string>();
  /** Packs no index file describes whose header cannot be read, and why. */
  readonly unreadablePacks = new Map<string, string>();

  addFile(id: string, file: IndexFile): void {
    this.files.add(id);
    for (const pack of file.packs) this.addPack(pack.id, pack.blobs);
  }

  addPack(packId: string, blobs: readonly PackBlob[]): void {
    this.describedPacks.add(packId);
    for (const b of blobs) {
      const loc: BlobLocation = {
        pack: packId,
        type: b.type,
        offset: b.offset,
        length: b.length,
        raw_length: b.raw_length,
      };
      const known = this.blobs.get(b.id);
      if (known && known.pack !== packId) {
        let others = this.elsewhere.get(b.id);
        if (!others) this.elsewhere.set(b.id, (others = []));
        others.push(known);
      }
      this.blobs.set(b.id, loc);
      this.inFlight.delete(b.id);
    }
  }

  /** Whether some blob is stored in more than one pack (which one is used needs choosing). */
  get hasDuplicates(): boolean {
    return this.elsewhere.size > 0;
  }

  /**
   * Given the packs that are stored: a blob stored in several packs is read from one that is
   * there, never from a lost one (after a backup stored a lost pack's data again, both are
   * named). With `dropMissing`, a blob in no stored pack is forgotten too, so that a backup
   * stores it anew (and so heals the snapshots that needed it) rather than reusing what is gone.
   */
  choosePacks(present: ReadonlySet<string>, dropMissing: boolean): void {
    for (const [id, others] of this.elsewhere) {
      const current = this.blobs.get(id);
      if (!current || present.has(current.pack)) continue;
      const stored = others.find((loc) => present.has(loc.pack));
      if (stored) this.blobs.set(id, stored);
    }
    this.elsewhere.clear();
    if (!dropMissing) return;
    for (const [id, loc] of this.blobs) if (!present.has(loc.pack)) this.blobs.delete(id);
  }

  has(id: string): boolean {
    return this.blobs.has(id) || this.inFlight.has(id);
  }

  /** Claims a blob for writing; false when it is stored or already on its way. */
  claim(id: string): boolean {
    if (this.has(id)) return false;
    this.inFlight.add(id);
    return true;
  }

  lookup(id: string): BlobLocation | undefined {
    return this.blobs.get(id);
  }

  get size(): number {
    return this.blobs.size;
  }

  entries(): IterableIterator<[string, BlobLocation]> {
    return this.blobs.entries();
  }

  packIds(): Set<string> {
    const ids = new Set<string>();
    for (const loc of this.blobs.values()) ids.add(loc.pack);
    return ids;
  }
}
