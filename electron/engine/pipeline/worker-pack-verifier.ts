/**
 * Runs in a worker: verifies one whole pack for `check --read-data` — its SHA-256 against its
 * name, its header, and every blob (decrypts, decompresses, and checks the id).
 */
import { createHash } from 'node:crypto';
import { blobId } from '../crypto/chunk-id.js';
import { decodePackHeader } from '../format/pack.js';
import { openObject } from '../format/sealed-object.js';
import type { PackVerdict } from './worker-messages.js';

export function verifyPack(
  keys: { encryptKey: Uint8Array; chunkIdKey: Uint8Array },
  pack: Buffer,
  packId: string,
): PackVerdict {
  const hashOk = createHash('sha256').update(pack).digest('hex') === packId;
  let blobs;
  try {
    blobs = decodePackHeader(keys.encryptKey, pack, packId);
  } catch (err) {
    return { hashOk, headerError: (err as Error).message, bad: [] };
  }
  const bad: string[] = [];
  for (const b of blobs) {
    try {
      const plain = openObject(
        keys.encryptKey,
        pack.subarray(b.offset, b.offset + b.length),
        'blob',
      );
      if (blobId(keys.chunkIdKey, plain) !== b.id) bad.push(b.id);
    } catch {
      bad.push(b.id);
    }
  }
  return { hashOk, blobs, bad };
}
