/**
 * zstd compression with a cheap "does it pay" test. Node ≥ 22.15 (Electron's) has zstd in
 * node:zlib; Node 20 uses the zstd-napi addon. Both produce standard zstd frames.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import type * as ZstdNapi from 'zstd-napi';

interface Codec {
  compress(data: Uint8Array, level: number): Buffer;
  decompress(data: Uint8Array): Buffer;
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
    };
  }
  const require = createRequire(import.meta.url);
  const napi = require('zstd-napi') as typeof ZstdNapi;
  const compressors = new Map<number, InstanceType<typeof napi.Compressor>>();
  const decompressor = new napi.Decompressor();
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
