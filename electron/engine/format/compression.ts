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
    return {
      compress: (data, level) => compressSync(data, { params: { [levelParam]: level } }),
      decompress: (data) => decompressSync(data),
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
  if (data.length < 64) return undefined;
  const c = getCodec();
  if (data.length > 4 * SAMPLE_BYTES) {
    const mid = Math.floor(data.length / 2);
    const sample = data.subarray(mid, mid + SAMPLE_BYTES);
    if (c.compress(sample, 1).length > sample.length * 0.97) return undefined;
  }
  const out = c.compress(data, level);
  return out.length <= data.length - (data.length >> 4) ? out : undefined;
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
