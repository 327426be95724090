/**
 * Loads and verifies blobs for restore and export: range reads from packs, decryption and
 * decompression on the worker pool for large blobs, and a check that the plaintext matches
 * its id, so a damaged pack can never restore wrong bytes silently.
 */
import { CairnError } from '../errors.js';
import type { WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import { GarbageBound } from '../util/memory.js';

const INLINE_BELOW = 64 * 1024;

export class BlobLoader {
  private readonly garbage = new GarbageBound();

  constructor(
    private readonly repo: Repository,
    private readonly pool: WorkerPool,
  ) {}

  async load(id: string): Promise<Buffer> {
    const loc = this.repo.index.lookup(id);
    if (!loc)
      throw new CairnError('corrupt', `data blob ${id.slice(0, 12)} is missing from the index`);
    if (loc.length < INLINE_BELOW) return this.repo.loadBlob(id);
    const sealed = await this.repo.loadSealedBlob(id);
    const { data, id: actual } = await this.pool.open(
      sealed,
      `blob ${id.slice(0, 12)} in pack ${loc.pack.slice(0, 12)}`,
      true,
    );
    if (actual !== id) {
      throw new CairnError(
        'corrupt',
        `blob ${id.slice(0, 12)} in pack ${loc.pack.slice(0, 12)} does not match its id`,
      );
    }
    return data;
  }
}
