/**
 * Stores the chunks of an API endpoint's `.ndjson` stream (which, unlike folder files, is not a
 * file the workers can read themselves): dedup against the index, seal new chunks on the worker
 * pool, and hand them to the pack writer. In-flight chunks are bounded, so memory does not grow
 * with the endpoint's size.
 *
 * Some chunks are sealed inline instead: small ones, where a thread hop costs more than the
 * work, and the first MiBs of a source. An API hands out a few MB per second at most, which
 * sealing inline keeps up with for a few percent of one core, while starting the workers costs a
 * quarter of a second of CPU just as the first pages come in; only a source large enough to be
 * worth it (or fast enough: a local API) gets them.
 */
import { sealObject } from '../../format/sealed-object.js';
import type { WorkerPool } from '../../pipeline/worker-pool.js';
import type { Repository } from '../../repository/repository.js';
import { YoungGarbage } from '../../util/young-garbage.js';
import { Semaphore } from '../../util/concurrency.js';

const INLINE_BELOW = 64 * 1024;
/** Bytes of new chunks sealed inline before the worker pool is started. */
const INLINE_FIRST_BYTES = 32 << 20;

export class ApiChunkStore {
  private readonly slots: Semaphore;
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;
  // A scavenge every 4 MiB of chunks, a full collection every 16 MiB: chunks wait for the pack
  // writer long enough to outlive a scavenge or two.
  private readonly garbage = new YoungGarbage(4 << 20, 16 << 20);
  private sealedInline = 0;
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
    this.garbage.addOld(chunk.length);
    this.garbage.collect();
    const id = this.repo.blobId(chunk);
    if (!this.repo.index.claim(id)) return id;
    this.added++;
    const writer = this.repo.packWriter();
    await writer.waitForRoom(); // the pack writer sets the pace, not the API
    const rawLength = chunk.length;
    if (rawLength < INLINE_BELOW || this.sealedInline < INLINE_FIRST_BYTES) {
      this.sealedInline += rawLength;
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
