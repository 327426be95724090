/**
 * Listings of snapshot folders, kept because snapshots never change: opening a folder twice,
 * or previewing a file in a folder just opened, costs no second engine call (the engine keeps
 * the repository open, but each call still lists its files to see what other processes wrote).
 * Only full snapshot ids are cached, since 'latest' and prefixes may point elsewhere later.
 */
import type { ListEntry } from '../../shared/domain.js';

const maxFolders = 500;
const fullId = /^[0-9a-f]{64}$/;

export class TreeCache {
  private readonly folders = new Map<string, ListEntry[]>();

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
    this.folders.set(key, entries);
    if (this.folders.size > maxFolders) {
      const oldest = this.folders.keys().next().value;
      if (oldest !== undefined) this.folders.delete(oldest);
    }
    return entries;
  }

  clear(): void {
    this.folders.clear();
  }
}
