/**
 * Authenticated encryption of every stored object: AES-256-GCM with a random 96-bit nonce.
 * Sealed layout: nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
 *
 * Random nonces are safe for about 2^32 seals under one key; at ~1 MiB per chunk that is
 * petabytes per repository, far beyond a desktop backup.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { CairnError } from '../errors.js';

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

// Nonces come from a pool refilled 4 KiB at a time: one call into the CSPRNG per seal costs
// more than sealing a small file (measured ~20 µs a call).
const NONCE_POOL_BYTES = NONCE_BYTES * 341;
const noncePool = Buffer.alloc(NONCE_POOL_BYTES);
let noncePoolUsed = NONCE_POOL_BYTES;

function freshNonce(): Buffer {
  if (noncePoolUsed === NONCE_POOL_BYTES) {
    randomFillSync(noncePool);
    noncePoolUsed = 0;
  }
  const nonce = Buffer.from(noncePool.subarray(noncePoolUsed, noncePoolUsed + NONCE_BYTES));
  // Wipe what was handed out, so no nonce can be given twice even by a bug here.
  noncePool.fill(0, noncePoolUsed, noncePoolUsed + NONCE_BYTES);
  noncePoolUsed += NONCE_BYTES;
  return nonce;
}

export function seal(key: Uint8Array, plaintext: Uint8Array | readonly Uint8Array[]): Buffer {
  return Buffer.concat(sealParts(key, plaintext));
}

/**
 * The sealed form as pieces whose concatenation is what seal() returns: a writer that appends
 * them one after another saves copying every blob once more.
 */
export function sealParts(
  key: Uint8Array,
  plaintext: Uint8Array | readonly Uint8Array[],
): Buffer[] {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const parts = Array.isArray(plaintext) ? plaintext : [plaintext as Uint8Array];
  const out: Buffer[] = [nonce];
  for (const p of parts) {
    // Encrypted in slices: same-sized small buffers are reused by the allocator, where a fresh
    // chunk-sized one for every blob fragments the heap and keeps growing the process.
    for (let at = 0; at < p.length; at += SLICE_BYTES)
      out.push(cipher.update(p.subarray(at, at + SLICE_BYTES)));
  }
  out.push(cipher.final(), cipher.getAuthTag());
  return out;
}

const SLICE_BYTES = 64 * 1024;

/** Throws a `corrupt` error when the data was altered or the key is wrong. */
export function open(key: Uint8Array, sealed: Uint8Array, what: string): Buffer {
  if (sealed.length < SEAL_OVERHEAD) {
    throw new CairnError('corrupt', `${what} is truncated (${sealed.length} bytes)`);
  }
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(tag);
  try {
    const body = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    const fin = decipher.final();
    return fin.length === 0 ? body : Buffer.concat([body, fin]);
  } catch {
    throw new CairnError('corrupt', `${what} failed authentication (damaged or altered)`);
  }
}

/** Decryption works through pieces this large: each piece's output is a small, short-lived buffer. */
const OPEN_PIECE = 32 * 1024;

/**
 * Like open(), but writes the plaintext into `out` (at least `sealed.length - SEAL_OVERHEAD`
 * bytes, kept by the caller for reuse) and returns its length. Node's ciphers return a fresh
 * buffer per call; fed piece by piece, those stay small and die young, so decrypting a large
 * blob allocates no large buffer. `out` may be `sealed` itself from NONCE_BYTES on: each piece
 * is written back where its ciphertext was, already read. On failure `out` holds
 * unauthenticated bytes: use nothing.
 */
export function openInto(
  key: Uint8Array,
  sealed: Uint8Array,
  out: Uint8Array,
  what: string,
): number {
  if (sealed.length < SEAL_OVERHEAD) {
    throw new CairnError('corrupt', `${what} is truncated (${sealed.length} bytes)`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  let written = 0;
  try {
    for (let at = 0; at < body.length; at += OPEN_PIECE) {
      const piece = decipher.update(body.subarray(at, at + OPEN_PIECE));
      out.set(piece, written);
      written += piece.length;
    }
    const fin = decipher.final();
    out.set(fin, written);
    return written + fin.length;
  } catch {
    throw new CairnError('corrupt', `${what} failed authentication (damaged or altered)`);
  }
}
