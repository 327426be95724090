/**
 * Turns sealed blobs into packs in the repository. Blobs go into a spool file as they come
 * (PackFile) — the workers write their own, this class writes the main thread's (trees, API
 * records) — and a finished pack is handed to the target to adopt. Index files are written
 * after the packs they describe (every `indexEvery` packs and at flush), which is what lets a
 * killed backup's uploaded packs be reused by the next run.
 */
import { createHash } from 'node:crypto';
import type { MasterKey } from '../crypto/key-slot.js';
import { sealJson } from '../format/sealed-object.js';
import type { BlobType } from '../format/pack.js';
import type { IndexFile, IndexPack } from '../format/index-file.js';
import type { Target } from '../targets/target.js';
import { placeFailure } from '../util/write-failure.js';
import { MasterIndex } from './master-index.js';
import { PackFile, type FinishedPack } from './pack-file.js';

export interface PackWriterStats {
  blobs: number;
  bytes: number;
  bytesRaw: number;
  packs: number;
}

/**
 * A writer that never writes index files (with flushPacks, not flush): prune's repack and
 * repair's salvage take its packs (takeUnindexed) into the index files they write themselves,
 * together with the packs those replace.
 */
export function unindexedPackWriter(target: Target, key: MasterKey): PackWriter {
  return new PackWriter(
    target,
    key,
    new MasterIndex(),
    undefined,
    undefined,
    Number.MAX_SAFE_INTEGER,
  );
}

export class PackWriter {
  private current: PackFile | undefined;
  private readonly commits = new Set<Promise<void>>();
  private unindexed: IndexPack[] = [];
  private failure: unknown;
  readonly stats: PackWriterStats = { blobs: 0, bytes: 0, bytesRaw: 0, packs: 0 };
  /** Told each index file written (the metadata cache keeps a copy). */
  onIndexSaved?: (id: string, sealed: Buffer) => Promise<void>;

  constructor(
    private readonly target: Target,
    private readonly key: MasterKey,
    private readonly index: MasterIndex,
    readonly packSize = 16 * 1024 * 1024,
    private readonly maxUploads = target.saveConcurrency,
    private readonly indexEvery = 4,
  ) {}

  get spoolDir(): string {
    return this.target.spoolDir;
  }

  /** Adds a sealed blob. Resolves once there is room (bounded uploads in flight). */
  async add(id: string, type: BlobType, sealed: Buffer, rawLength: number): Promise<void> {
    if (this.failure) throw this.failure;
    const current = this.spooling(() => (this.current ??= PackFile.create(this.target.spoolDir)));
    this.spooling(() => current.add(id, type, sealed, rawLength));
    if (current.size >= this.packSize) {
      const finished = this.spooling(() => current.finish(this.key.encrypt));
      this.current = undefined; // only now: a spool file that failed is discard()'s to remove
      await this.adopt(finished);
    }
  }

  /** A spool file that cannot be written: the repository's disk is full, or read-only. */
  private spooling<T>(op: () => T): T {
    try {
      return op();
    } catch (err) {
      throw placeFailure(
        err,
        { kind: 'repository', at: this.target.displayName },
        'writing a pack',
      );
    }
  }

  /** Stores a finished pack (from a worker or from add()); resolves once there is room. */
  async adopt(pack: FinishedPack): Promise<void> {
    this.stats.blobs += pack.blobs.length;
    this.stats.bytes += pack.bytes;
    this.stats.bytesRaw += pack.bytesRaw;
    await this.waitForRoom();
    const commit = this.target
      .adopt('data', pack.id, pack.path)
      .then(() => {
        this.index.addPack(pack.id, pack.blobs);
        this.unindexed.push({ id: pack.id, blobs: pack.blobs });
        this.stats.packs++;
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.commits.delete(commit));
    this.commits.add(commit);
    if (this.unindexed.length >= this.indexEvery) await this.writeIndex();
  }

  /** Resolves when no more than the allowed number of packs are being stored. */
  async waitForRoom(): Promise<void> {
    while (this.commits.size >= this.maxUploads) await Promise.race(this.commits);
    if (this.failure) throw this.failure;
  }

  /** Stores what is pending and writes an index file for every stored pack. */
  async flush(): Promise<void> {
    await this.flushPacks();
    await this.writeIndex();
  }

  /** Stores what is pending without writing an index (prune writes its own). */
  async flushPacks(): Promise<void> {
    if (this.current) {
      const pack = this.current;
      const finished = this.spooling(() => pack.finish(this.key.encrypt));
      this.current = undefined;
      await this.adopt(finished);
    }
    await Promise.all(this.commits);
    if (this.failure) throw this.failure;
  }

  /** Removes the spool file of a pack never finished (the operation failed). */
  discard(): void {
    this.current?.discard();
    this.current = undefined;
  }

  /** The stored packs no index file describes yet; the caller now owns describing them. */
  takeUnindexed(): IndexPack[] {
    const packs = this.unindexed;
    this.unindexed = [];
    return packs;
  }

  private async writeIndex(): Promise<void> {
    if (this.unindexed.length === 0) return;
    const file: IndexFile = { packs: this.unindexed, supersedes: [] };
    this.unindexed = [];
    const sealed = sealJson(this.key.encrypt, file);
    const id = createHash('sha256').update(sealed).digest('hex');
    await this.target.save('index', id, sealed);
    this.index.files.add(id);
    await this.onIndexSaved?.(id, sealed);
  }
}
