/**
 * zstd compression with a cheap "does it pay" test. Node ≥ 22.15 (Electron's) has zstd in
 * node:zlib; Node 20 uses the zstd-napi addon. Both produce standard zstd frames.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import type * as ZstdNapi from 'zstd-napi';
import type * as ZstdBinding from 'zstd-napi/binding.js';

interface Codec {
  compress(data: Uint8Array, level: number): Buffer;
  decompress(data: Uint8Array): Buffer;
  /** Compresses into `out` when the result fits; returns its length, or -1 when it does not. */
  compressInto(data: Uint8Array, level: number, out: Uint8Array): number;
  /** Decompresses into `out` when it fits; returns the bytes written, or -1 when it does not fit. */
  decompressInto(data: Uint8Array, out: Uint8Array): number;
}

type ZlibWithZstd = typeof zlib & {
  zstdCompressSync?: (buf: Uint8Array, opts?: unknown) => Buffer;
  zstdDecompressSync?: (buf: Uint8Array) => Buffer;
  constants: typeof zlib.constants & { ZSTD_c_compressionLevel?: number };
};

function loadCodec(): Codec {
  const z = zlib as ZlibWithZstd;
  const levelParam = z.constants.ZSTD_c_compressionLevel;
  if (z.zstdCompressSync && z.zstdDecompressSync && levelParam !== undefined) {
    const compressSync = z.zstdCompressSync;
    const decompressSync = z.zstdDecompressSync;
    const compress = (data: Uint8Array, level: number): Buffer =>
      compressSync(data, { params: { [levelParam]: level } });
    return {
      compress,
      decompress: (data) => decompressSync(data),
      compressInto(data, level, out) {
        const packed = compress(data, level);
        if (packed.length > out.length) return -1;
        out.set(packed);
        return packed.length;
      },
      decompressInto(data, out) {
        const plain = decompressSync(data);
        if (plain.length > out.length) return -1;
        out.set(plain);
        return plain.length;
      },
    };
  }
  const require = createRequire(import.meta.url);
  const napi = require('zstd-napi') as typeof ZstdNapi;
  const binding = require('zstd-napi/binding') as typeof ZstdBinding;
  const compressors = new Map<number, InstanceType<typeof napi.Compressor>>();
  const decompressor = new napi.Decompressor();
  const dctx = new binding.DCtx();
  // One context per level: switching a context's level makes zstd rebuild its tables.
  const contexts = new Map<number, InstanceType<typeof binding.CCtx>>();
  return {
    compress(data, level) {
      let c = compressors.get(level);
      if (!c) {
        c = new napi.Compressor();
        c.setParameters({ compressionLevel: level });
        compressors.set(level, c);
      }
      return c.compress(data);
    },
    decompress: (data) => decompressor.decompress(data),
    compressInto(data, level, out) {
      let cctx = contexts.get(level);
      if (!cctx) contexts.set(level, (cctx = new binding.CCtx()));
      try {
        return cctx.compress(out, data, level);
      } catch (err) {
        // zstd stops as soon as the output would overflow `out`: that is the "does not pay".
        if ((err as Error).message.includes('too small')) return -1;
        throw err;
      }
    },
    decompressInto(data, out) {
      const size = binding.getFrameContentSize(data);
      if (size === null || size > out.length) return -1;
      return dctx.decompress(out, data);
    },
  };
}

let codec: Codec | undefined;
function getCodec(): Codec {
  codec ??= loadCodec();
  return codec;
}

export const DEFAULT_LEVEL = 3;
const SAMPLE_BYTES = 16 * 1024;

/**
 * Returns the compressed form, or undefined when compression would not save at least 1/16
 * of the size. Large inputs are judged on a sample first, so random data (photos, archives,
 * video) costs a 16 KiB trial instead of a full pass.
 */
export function compressIfWorthwhile(data: Uint8Array, level = DEFAULT_LEVEL): Buffer | undefined {
  if (data.length < 64 || !samplePays(data)) return undefined;
  const out = getCodec().compress(data, level);
  return out.length <= data.length - (data.length >> 4) ? out : undefined;
}

/** The sample trial's output: it only has to hold a result small enough to pay. */
const sampleOut = Buffer.allocUnsafeSlow(SAMPLE_BYTES);

/** Large inputs are tried on a 16 KiB sample from the middle first (fast zstd level 1). */
function samplePays(data: Uint8Array): boolean {
  if (data.length <= 4 * SAMPLE_BYTES) return true;
  const mid = Math.floor(data.length / 2);
  const sample = data.subarray(mid, mid + SAMPLE_BYTES);
  const fits = sampleOut.subarray(0, Math.floor(sample.length * 0.97));
  return getCodec().compressInto(sample, 1, fits) >= 0;
}

/** Where compressTransient() writes; grown on demand, kept for the thread's life. */
let scratch = Buffer.alloc(0);

/**
 * compressIfWorthwhile() without allocating: the result is a view of one buffer this module
 * keeps, valid until the next call on this thread — use it (seal it) first. A fresh
 * chunk-sized buffer per chunk is what made the backup workers' memory grow: glibc keeps
 * freed large blocks.
 */
export function compressTransient(data: Uint8Array, level = DEFAULT_LEVEL): Buffer | undefined {
  if (data.length < 64 || !samplePays(data)) return undefined;
  const limit = data.length - (data.length >> 4);
  // Reserved for the largest chunk (8 MiB by default) at once: only the pages written become
  // resident, and a replaced buffer would stay so until a full collection.
  if (scratch.length < limit) scratch = Buffer.allocUnsafeSlow(Math.max(limit, 8 * 1024 * 1024));
  // Output that would not save 1/16 does not fit, so zstd gives up early instead of finishing.
  const length = getCodec().compressInto(data, level, scratch.subarray(0, limit));
  return length < 0 ? undefined : scratch.subarray(0, length);
}

export function compress(data: Uint8Array, level = DEFAULT_LEVEL): Buffer {
  return getCodec().compress(data, level);
}

export function decompress(data: Uint8Array): Buffer {
  return getCodec().decompress(data);
}

/**
 * Decompresses into `out` (a buffer kept for reuse, so restore and check do not allocate per
 * blob). Returns the bytes written, or -1 when the result would not fit in `out`.
 */
export function decompressInto(data: Uint8Array, out: Uint8Array): number {
  return getCodec().decompressInto(data, out);
}
