/**
 * Runs in a worker, for restore and check: reads byte ranges of packs and opens the blobs in
 * them — decrypts, decompresses, and checks the plaintext against the blob's id and size — each
 * step into a buffer kept for reuse. Only decryption allocates (Node's ciphers always return a
 * fresh buffer), in small pieces that die young and are scavenged every few hundred KiB: a
 * worker's memory stays flat however much it reads, and freed memory is reused at once rather
 * than handed back to the system and faulted in again.
 */
import { NONCE_BYTES, openInto } from '../crypto/aead.js';
import { blobId } from '../crypto/chunk-id.js';
import { CairnError } from '../errors.js';
import { decompress, decompressInto } from '../format/compression.js';
import { ENCODING_RAW, ENCODING_ZSTD } from '../format/sealed-object.js';
import { readFullySync } from '../util/fd-fs.js';
import { YoungGarbage } from '../util/young-garbage.js';

export interface WorkerKeys {
  encryptKey: Uint8Array;
  chunkIdKey: Uint8Array;
}

/**
 * Kept buffers start this large: the largest chunk (8 MiB with the default chunker) and its
 * sealing overhead. Allocated uninitialised, a buffer this large is normally a fresh mapping
 * whose pages the kernel backs only once written, so it costs about what the largest blob so
 * far needs; and it is almost never replaced — a replaced one stays resident until a full
 * collection (measured: 8 MB of them at check's peak with 2 MiB to start).
 */
const KEPT_BYTES = 8 * 1024 * 1024 + 64 * 1024;
/** Larger buffers are allocated for one use instead of being kept (a huge tree, say). */
const KEEP_AT_MOST = 16 * 1024 * 1024;

export class BlobOpener {
  private readonly kept: Partial<Record<'read' | 'plain', Buffer>> = {};
  private readonly garbage = new YoungGarbage();

  constructor(private readonly keys: WorkerKeys) {}

  /**
   * Reads `length` bytes at `offset` of an open file; fewer when the file ends first. The
   * result is valid until the next read.
   */
  readRange(fd: number, offset: number, length: number): Buffer {
    this.garbage.collect();
    const buf = this.buffer('read', length);
    return buf.subarray(0, readFullySync(fd, buf, length, offset));
  }

  /**
   * The plaintext of a sealed blob, verified against its id and size; valid until the next
   * call. Decrypts in place: `sealed` is overwritten. Throws a `corrupt` error naming `what`
   * when the blob is damaged.
   */
  open(sealed: Buffer, id: string, rawLength: number, what: string): Buffer {
    // Collect before decrypting, while the last blob's buffers are dead and nothing new is.
    this.garbage.collect();
    // Decrypted in place: the sealed bytes are not needed again.
    const body = sealed.subarray(NONCE_BYTES);
    const frame = body.subarray(0, openInto(this.keys.encryptKey, sealed, body, what));
    this.garbage.add(frame.length);
    let plain: Buffer;
    switch (frame[0]) {
      case ENCODING_RAW:
        plain = frame.subarray(1);
        break;
      case ENCODING_ZSTD:
        plain = this.decompress(frame.subarray(1), rawLength, what);
        break;
      default:
        throw new CairnError('corrupt', `${what} has unknown encoding ${frame[0]}`);
    }
    if (plain.length !== rawLength)
      throw new CairnError('corrupt', `${what} does not match its recorded size`);
    if (blobId(this.keys.chunkIdKey, plain) !== id)
      throw new CairnError('corrupt', `${what} does not match its id`);
    return plain;
  }

  private decompress(body: Buffer, rawLength: number, what: string): Buffer {
    try {
      const out = this.buffer('plain', rawLength);
      const n = decompressInto(body, out);
      if (n >= 0) return out.subarray(0, n);
      // Larger than recorded, so damaged: the id check will say so.
      const plain = decompress(body);
      this.garbage.addOld(plain.length);
      return plain;
    } catch {
      throw new CairnError('corrupt', `${what} does not decompress`);
    }
  }

  /** Counts a buffer the caller is done with, which may have lived through scavenges. */
  release(bytes: number): void {
    this.garbage.addOld(bytes);
  }

  /**
   * A buffer of at least `length` bytes: the one kept for reuse, grown when needed. A kept
   * buffer is never swapped for one-off buffers of the same size: each large buffer freed
   * makes the C allocator keep allocations of up to that size in its heap instead of mapping
   * them, and that heap only ever grows.
   */
  private buffer(which: 'read' | 'plain', length: number): Buffer {
    const kept = this.kept[which];
    if (kept && kept.length >= length) return kept;
    if (length > KEEP_AT_MOST) {
      // It may outlive a scavenge or two while in use: count it for a full collection.
      this.garbage.addOld(length);
      return Buffer.allocUnsafe(length);
    }
    // Pages never written cost nothing, so start large; grow in whole MiB.
    const grown = Buffer.allocUnsafe(Math.max(KEPT_BYTES, Math.ceil(length / 2 ** 20) * 2 ** 20));
    if (kept) this.garbage.addOld(kept.length);
    this.kept[which] = grown;
    return grown;
  }
}
