/**
 * Search by name in a snapshot: lists the whole tree once and filters it, keeping the last
 * listing so that searching as the user types costs one engine call, not one per key.
 * Snapshots are immutable, so a listing keyed by full id never goes stale.
 */
import type { ListEntry } from '../../shared/domain.js';

const maxResults = 500;

export class TreeSearch {
  private cached: { snapshot: string; entries: ListEntry[] } | null = null;

  constructor(private readonly listAll: (snapshot: string) => Promise<ListEntry[]>) {}

  async search(
    snapshot: string,
    query: string,
  ): Promise<{ entries: ListEntry[]; truncated: boolean }> {
    const entries = await this.entries(snapshot);
    const needle = query.toLowerCase();
    const hits = entries.filter((entry) => entry.name.toLowerCase().includes(needle));
    return { entries: hits.slice(0, maxResults), truncated: hits.length > maxResults };
  }

  private async entries(snapshot: string): Promise<ListEntry[]> {
    if (this.cached?.snapshot === snapshot) return this.cached.entries;
    const entries = await this.listAll(snapshot);
    if (snapshot !== 'latest') this.cached = { snapshot, entries };
    return entries;
  }
}
