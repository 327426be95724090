/**
 * Stores chunks of file content: dedup against the index, seal new ones on the worker pool
 * (small ones inline, where a thread hop costs more than the work), and hand them to the pack
 * writer. In-flight chunks are bounded, so memory does not grow with file size.
 */
import type { Repository } from '../repository/repository.js';
import type { WorkerPool } from '../pipeline/worker-pool.js';
import { sealObject } from '../format/sealed-object.js';
import { Semaphore } from '../util/semaphore.js';
import { GarbageBound } from '../util/memory.js';

const INLINE_BELOW = 64 * 1024;

export class ChunkStore {
  private readonly slots: Semaphore;
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;
  private readonly garbage = new GarbageBound();
  added = 0;

  constructor(
    private readonly repo: Repository,
    private readonly pool: WorkerPool,
  ) {
    this.slots = new Semaphore(pool.size * 2);
  }

  /** Returns the chunk's id at once; the chunk is stored in the background. */
  async store(chunk: Buffer): Promise<string> {
    if (this.failure) throw this.failure;
    this.garbage.add(chunk.length);
    const id = this.repo.blobId(chunk);
    if (!this.repo.index.claim(id)) return id;
    this.added++;
    const writer = this.repo.packWriter();
    const rawLength = chunk.length;
    if (rawLength < INLINE_BELOW) {
      await writer.add(id, 'data', sealObject(this.repo.key.encrypt, chunk), rawLength);
      return id;
    }
    await this.slots.acquire();
    const work = this.pool
      .seal(chunk)
      .then((sealed) => writer.add(id, 'data', sealed, rawLength))
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.slots.release();
        this.pending.delete(work);
      });
    this.pending.add(work);
    return id;
  }

  /** Waits until every chunk handed in is with the pack writer. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
  }
}
