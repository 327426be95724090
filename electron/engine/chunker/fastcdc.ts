/**
 * Content-defined chunking: FastCDC with normalized chunking (level 2) over a 32-bit gear hash.
 *
 * The gear table is derived from the repository's secret chunker seed (SHA-256 in counter mode),
 * so cut points, and thus chunk sizes, do not reveal which well-known files a repository holds.
 * A cut is made after byte i when the top bits of the hash are zero: 22 bits (maskS) before the
 * average size, 18 bits (maskL) after it, never before min_size and always at max_size.
 *
 * The chunker is streaming: push() takes read buffers of any size and calls back with each
 * complete chunk; cut points do not depend on how the input was split into buffers.
 */
import { createHash } from 'node:crypto';
import type { ChunkerParams } from '../format/repo-config.js';

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
  private parts: Uint8Array[] = [];
  private pos = 0;
  private hash = 0;

  constructor(
    params: ChunkerParams,
    private readonly onChunk: (chunk: Buffer) => void,
    gear?: Int32Array,
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
    let segStart = 0;
    const n = buf.length;
    while (off < n) {
      if (this.pos < this.min) {
        const take = Math.min(this.min - this.pos, n - off);
        this.pos += take;
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
          this.pos += end - off;
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
          this.pos += end - off;
          off = end;
          this.hash = h;
          if (this.pos >= this.max) {
            this.emit(buf.subarray(segStart, off));
            segStart = off;
          }
          continue;
        }
      }
      this.emit(buf.subarray(segStart, cut + 1));
      off = cut + 1;
      segStart = off;
    }
    if (segStart < n) this.parts.push(buf.subarray(segStart, n));
  }

  /** Emits whatever remains as the last chunk. */
  finish(): void {
    if (this.parts.length > 0) this.emit(new Uint8Array(0));
  }

  private emit(tail: Uint8Array): void {
    const parts = this.parts;
    let size = tail.length;
    for (const p of parts) size += p.length;
    // allocUnsafeSlow: never a slice of Node's shared pool, so the chunk can be transferred
    // to a worker thread without detaching anybody else's memory.
    const chunk = Buffer.allocUnsafeSlow(size);
    let at = 0;
    for (const p of parts) {
      chunk.set(p, at);
      at += p.length;
    }
    chunk.set(tail, at);
    this.parts = [];
    this.pos = 0;
    this.hash = 0;
    this.onChunk(chunk);
  }
}
