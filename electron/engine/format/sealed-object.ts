/**
 * Every stored object (blob, index, snapshot, config, lock) is a sealed frame:
 *
 *   AEAD( encoding (1 byte) ‖ payload )
 *
 * encoding 0 = payload stored as is, 1 = payload is one zstd frame. The encoding byte is inside
 * the encryption, so not even the compressibility of a file is visible from outside.
 */
import { open, seal, sealParts } from '../crypto/aead.js';
import { CairnError } from '../errors.js';
import { compressIfWorthwhile, compressTransient, decompress } from './compression.js';

export const ENCODING_RAW = 0;
export const ENCODING_ZSTD = 1;

const RAW = Buffer.from([ENCODING_RAW]);
const ZSTD = Buffer.from([ENCODING_ZSTD]);

export function sealObject(key: Uint8Array, payload: Uint8Array, level?: number): Buffer {
  const packed = level === 0 ? undefined : compressIfWorthwhile(payload, level);
  return packed ? seal(key, [ZSTD, packed]) : seal(key, [RAW, payload]);
}

/**
 * sealObject() as pieces to be written one after another (see sealParts). Compresses into the
 * thread's transient buffer, which sealing has consumed by the time this returns.
 */
export function sealObjectParts(key: Uint8Array, payload: Uint8Array): Buffer[] {
  const packed = compressTransient(payload);
  return packed ? sealParts(key, [ZSTD, packed]) : sealParts(key, [RAW, payload]);
}

export function openObject(key: Uint8Array, sealed: Uint8Array, what: string): Buffer {
  const frame = open(key, sealed, what);
  const body = frame.subarray(1);
  switch (frame[0]) {
    case ENCODING_RAW:
      return body;
    case ENCODING_ZSTD:
      try {
        return decompress(body);
      } catch {
        throw new CairnError('corrupt', `${what} does not decompress`);
      }
    default:
      throw new CairnError('corrupt', `${what} has unknown encoding ${frame[0]}`);
  }
}

export function sealJson(key: Uint8Array, value: unknown): Buffer {
  return sealObject(key, Buffer.from(JSON.stringify(value)));
}

export function openJson<T>(key: Uint8Array, sealed: Uint8Array, what: string): T {
  const text = openObject(key, sealed, what).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CairnError('corrupt', `${what} is not valid JSON`);
  }
}
