/**
 * Listings of snapshot folders, kept because snapshots never change: opening a folder twice,
 * or previewing a file in a folder just opened, costs no second engine call (the engine keeps
 * the repository open, but each call still lists its files to see what other processes wrote).
 * Only full snapshot ids are cached, since 'latest' and prefixes may point elsewhere later.
 * Bounded by folders and by entries: a few huge folders must not hold the memory that many
 * small ones are allowed.
 */
import type { ListEntry } from '../../shared/domain.js';

const fullId = /^[0-9a-f]{64}$/;

export class TreeCache {
  private readonly folders = new Map<string, ListEntry[]>();
  private entries = 0;

  /** About 200 bytes an entry: the default entry bound keeps the cache near 50 MB at most. */
  constructor(
    private readonly maxFolders = 500,
    private readonly maxEntries = 250_000,
  ) {}

  async list(
    location: string,
    snapshot: string,
    path: string,
    load: () => Promise<ListEntry[]>,
  ): Promise<ListEntry[]> {
    if (!fullId.test(snapshot)) return load();
    const key = `${location}\0${snapshot}\0${path}`;
    const hit = this.folders.get(key);
    if (hit !== undefined) {
      // Map order is insertion order: re-inserting makes this the most recently used.
      this.folders.delete(key);
      this.folders.set(key, hit);
      return hit;
    }
    const entries = await load();
    if (entries.length > this.maxEntries || this.folders.has(key)) return entries;
    this.folders.set(key, entries);
    this.entries += entries.length;
    for (const [oldest, listed] of this.folders) {
      if (this.folders.size <= this.maxFolders && this.entries <= this.maxEntries) break;
      this.folders.delete(oldest);
      this.entries -= listed.length;
    }
    return entries;
  }

  clear(): void {
    this.folders.clear();
    this.entries = 0;
  }
}
