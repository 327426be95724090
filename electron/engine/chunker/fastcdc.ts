/**
 * Content-defined chunking: FastCDC with normalized chunking (level 2) over a 32-bit gear hash.
 *
 * The gear table is derived from the repository's secret chunker seed (SHA-256 in counter mode),
 * so cut points, and thus chunk sizes, do not reveal which well-known files a repository holds.
 * A cut is made after byte i when the top bits of the hash are zero: 22 bits (maskS) before the
 * average size, 18 bits (maskL) after it, never before min_size and always at max_size.
 *
 * The chunker is streaming: push() takes read buffers of any size and calls back with each
 * complete chunk; cut points do not depend on how the input was split into buffers. Bytes are
 * copied out of the pushed buffer before push() returns, so the caller may reuse it at once.
 * Chunks come from `pool` when one is given (the receiver hands them back when done).
 */
import { createHash } from 'node:crypto';
import type { ChunkerParams } from '../format/repo-config.js';
import type { BufferPool } from '../util/buffer-pool.js';

export function gearTable(seedHex: string): Int32Array {
  const seed = Buffer.from(seedHex, 'hex');
  const table = new Int32Array(256);
  for (let block = 0; block < 32; block++) {
    const digest = createHash('sha256').update(seed).update(Uint8Array.of(block)).digest();
    for (let j = 0; j < 8; j++) table[block * 8 + j] = digest.readInt32LE(j * 4);
  }
  return table;
}

function topBitsMask(bits: number): number {
  return ((2 ** bits - 1) * 2 ** (32 - bits)) | 0;
}

export class Chunker {
  private readonly gear: Int32Array;
  private readonly min: number;
  private readonly avg: number;
  private readonly max: number;
  private readonly maskS: number;
  private readonly maskL: number;
  /** The chunk being collected: bytes [0, pos) hold its first `pos` bytes. */
  private acc: Buffer | undefined;
  private pos = 0;
  private hash = 0;

  constructor(
    params: ChunkerParams,
    private readonly onChunk: (chunk: Buffer) => void,
    gear?: Int32Array,
    private readonly pool?: BufferPool,
  ) {
    this.gear = gear ?? gearTable(params.seed);
    this.min = params.min_size;
    this.avg = params.avg_size;
    this.max = params.max_size;
    const bits = Math.round(Math.log2(this.avg));
    this.maskS = topBitsMask(bits + 2);
    this.maskL = topBitsMask(bits - 2);
  }

  push(buf: Uint8Array): void {
    const gear = this.gear;
    let off = 0;
    const n = buf.length;
    while (off < n) {
      if (this.pos < this.min) {
        const take = Math.min(this.min - this.pos, n - off);
        this.append(buf, off, off + take);
        off += take;
        continue;
      }
      let h = this.hash;
      let cut = -1;
      // Region before the average size: the stricter mask.
      if (this.pos < this.avg) {
        const end = Math.min(n, off + (this.avg - this.pos));
        const mask = this.maskS;
        let i = off;
        for (; i < end; i++) {
          h = ((h << 1) + gear[buf[i]!]!) | 0;
          if ((h & mask) === 0) {
            cut = i;
            break;
          }
        }
        if (cut < 0) {
          this.append(buf, off, end);
          off = end;
          this.hash = h;
          continue;
        }
      } else {
        const end = Math.min(n, off + (this.max - this.pos));
        const mask = this.maskL;
        let i = off;
        for (; i < end; i++) {
          h = ((h << 1) + gear[buf[i]!]!) | 0;
          if ((h & mask) === 0) {
            cut = i;
            break;
          }
        }
        if (cut < 0) {
          this.append(buf, off, end);
          off = end;
          this.hash = h;
          if (this.pos >= this.max) this.emit();
          continue;
        }
      }
      this.append(buf, off, cut + 1);
      this.emit();
      off = cut + 1;
    }
  }

  /** Emits whatever remains as the last chunk. */
  finish(): void {
    if (this.pos > 0) this.emit();
  }

  /** Drops what was not emitted (the file could not be read to its end). */
  discard(): void {
    if (this.acc) this.pool?.give(this.acc);
    this.acc = undefined;
    this.pos = 0;
    this.hash = 0;
  }

  private append(buf: Uint8Array, from: number, to: number): void {
    const need = this.pos + (to - from);
    if (!this.acc || this.acc.length < need) {
      // Most chunks are near the average size; room for twice that avoids regrowing.
      const grown = this.take(Math.min(this.max, Math.max(need, this.avg * 2)));
      if (this.acc) {
        this.acc.copy(grown, 0, 0, this.pos);
        this.pool?.give(this.acc);
      }
      this.acc = grown;
    }
    this.acc.set(buf.subarray(from, to), this.pos);
    this.pos = need;
  }

  private take(size: number): Buffer {
    // allocUnsafeSlow: never a slice of Node's shared pool, so the chunk can be transferred
    // to another thread without detaching anybody else's memory.
    return this.pool ? this.pool.take(size) : Buffer.allocUnsafeSlow(size);
  }

  private emit(): void {
    let chunk: Buffer;
    if (this.pool) {
      chunk = this.acc!.subarray(0, this.pos);
      this.acc = undefined;
    } else {
      // No pool to return it to: hand out an exact copy and keep collecting into `acc`.
      chunk = Buffer.allocUnsafeSlow(this.pos);
      this.acc!.copy(chunk, 0, 0, this.pos);
    }
    this.pos = 0;
    this.hash = 0;
    this.onChunk(chunk);
  }
}
