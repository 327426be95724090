/**
 * Every read `diff` makes from the repository goes through here, so `bytes_read` is honest: it
 * counts the stored (sealed, compressed) bytes of each tree and data blob loaded. Data blobs
 * are kept in a small cache because comparing an endpoint file needs the chunks at the edges
 * of an unchanged stretch twice (once for each snapshot's side of the change next to it).
 */
import type { Tree } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';
import { throwIfCancelled } from '../util/cancel.js';
import type { ProgressMeter } from '../util/progress-meter.js';

const CACHE_BYTES = 32 * 1024 * 1024;

export class DiffReader {
  bytesRead = 0;
  private readonly treesRead = new Set<string>();
  private readonly cache = new Map<string, Buffer>();
  private cacheBytes = 0;

  constructor(
    private readonly repo: Repository,
    private readonly meter: ProgressMeter,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Throws CairnError('cancelled') once the job is cancelled. */
  checkCancelled(): void {
    throwIfCancelled(this.signal);
  }

  async tree(id: string): Promise<Tree> {
    throwIfCancelled(this.signal);
    // The repository caches trees itself; count each one the first time only.
    if (!this.treesRead.has(id)) {
      this.treesRead.add(id);
      this.count(id);
    }
    return this.repo.loadTree(id);
  }

  async blob(id: string): Promise<Buffer> {
    throwIfCancelled(this.signal);
    const cached = this.cache.get(id);
    if (cached) {
      // Most recently used last: Map keeps insertion order.
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const data = await this.repo.loadBlob(id);
    this.count(id);
    this.cache.set(id, data);
    this.cacheBytes += data.length;
    for (const [oldId, old] of this.cache) {
      if (this.cacheBytes <= CACHE_BYTES || oldId === id) break;
      this.cache.delete(oldId);
      this.cacheBytes -= old.length;
    }
    return data;
  }

  /** The plaintext length of a data blob, from the index (no read). */
  rawLength(id: string): number {
    return this.repo.index.lookup(id)?.raw_length ?? 0;
  }

  private count(id: string): void {
    this.bytesRead += this.repo.index.lookup(id)?.length ?? 0;
    this.meter.bytes = this.bytesRead;
    this.meter.emit();
  }
}
