/**
 * Collects sealed blobs into packs of about `packSize` bytes and uploads each finished pack.
 * Index files are written after the packs they describe (every `indexEvery` packs and at
 * flush), which is what lets a killed backup's uploaded packs be reused by the next run.
 */
import { createHash } from 'node:crypto';
import type { MasterKey } from '../crypto/key-slot.js';
import { sealJson } from '../format/sealed-object.js';
import { encodePackHeader, type BlobType, type PackBlob } from '../format/pack.js';
import type { IndexFile, IndexPack } from '../format/index-file.js';
import type { Target } from '../targets/target.js';
import type { MasterIndex } from './master-index.js';

export interface PackWriterStats {
  blobs: number;
  bytes: number;
  bytesRaw: number;
  packs: number;
}

export class PackWriter {
  private parts: Buffer[] = [];
  private blobs: PackBlob[] = [];
  private offset = 0;
  private uploads = new Set<Promise<void>>();
  private unindexed: IndexPack[] = [];
  private failure: unknown;
  readonly stats: PackWriterStats = { blobs: 0, bytes: 0, bytesRaw: 0, packs: 0 };

  constructor(
    private readonly target: Target,
    private readonly key: MasterKey,
    private readonly index: MasterIndex,
    private readonly packSize = 16 * 1024 * 1024,
    private readonly maxUploads = target.saveConcurrency,
    private readonly indexEvery = 4,
  ) {}

  /** Adds a sealed blob. Resolves once there is room (bounded uploads in flight). */
  async add(id: string, type: BlobType, sealed: Buffer, rawLength: number): Promise<void> {
    if (this.failure) throw this.failure;
    this.blobs.push({
      id,
      type,
      offset: this.offset,
      length: sealed.length,
      raw_length: rawLength,
    });
    this.parts.push(sealed);
    this.offset += sealed.length;
    this.stats.blobs++;
    this.stats.bytes += sealed.length;
    this.stats.bytesRaw += rawLength;
    if (this.offset >= this.packSize) await this.finishPack();
  }

  /** Resolves when no more than the allowed number of packs are being uploaded. */
  async waitForRoom(): Promise<void> {
    while (this.uploads.size >= this.maxUploads) await Promise.race(this.uploads);
    if (this.failure) throw this.failure;
  }

  /** Uploads what is pending and writes an index file for every uploaded pack. */
  async flush(): Promise<void> {
    await this.flushPacks();
    await this.writeIndex();
  }

  /** Uploads what is pending without writing an index (prune writes its own). */
  async flushPacks(): Promise<void> {
    if (this.blobs.length > 0) await this.finishPack();
    await Promise.all(this.uploads);
    if (this.failure) throw this.failure;
  }

  /** The uploaded packs no index file describes yet; the caller now owns describing them. */
  takeUnindexed(): IndexPack[] {
    const packs = this.unindexed;
    this.unindexed = [];
    return packs;
  }

  private async finishPack(): Promise<void> {
    const blobs = this.blobs;
    const parts = this.parts;
    parts.push(encodePackHeader(this.key.encrypt, blobs));
    this.blobs = [];
    this.parts = [];
    this.offset = 0;
    const hash = createHash('sha256');
    for (const p of parts) hash.update(p);
    const id = hash.digest('hex');
    while (this.uploads.size >= this.maxUploads) await Promise.race(this.uploads);
    const upload = this.target
      .save('data', id, parts)
      .then(() => {
        this.index.addPack(id, blobs);
        this.unindexed.push({ id, blobs });
        this.stats.packs++;
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.uploads.delete(upload));
    this.uploads.add(upload);
    if (this.unindexed.length >= this.indexEvery) await this.writeIndex();
  }

  private async writeIndex(): Promise<void> {
    if (this.unindexed.length === 0) return;
    const file: IndexFile = { packs: this.unindexed, supersedes: [] };
    this.unindexed = [];
    const sealed = sealJson(this.key.encrypt, file);
    const id = createHash('sha256').update(sealed).digest('hex');
    await this.target.save('index', id, sealed);
    this.index.files.add(id);
  }
}
