/**
 * Pack files (data/<id>) hold many sealed blobs followed by a sealed header:
 *
 *   blob_1 ‖ … ‖ blob_n ‖ sealed_header ‖ header_length (uint32 LE, length of sealed_header)
 *
 * The header's plaintext is one 41-byte entry per blob, in file order:
 *
 *   type (1 byte: 0 data, 1 tree) ‖ length (uint32 LE, sealed size in the pack)
 *   ‖ raw_length (uint32 LE, plaintext size) ‖ id (32 bytes)
 *
 * A blob's offset is the sum of the lengths before it. The pack's id (its file name) is the
 * SHA-256 of the whole file, so damage is visible without the key. Packs are self-describing:
 * the index can be rebuilt from them alone.
 */
import { CairnError } from '../errors.js';
import { openObject, sealObject } from './sealed-object.js';

export type BlobType = 'data' | 'tree';

export interface PackBlob {
  id: string;
  type: BlobType;
  offset: number;
  length: number;
  raw_length: number;
}

const ENTRY_BYTES = 41;

export function encodePackHeader(key: Uint8Array, blobs: readonly PackBlob[]): Buffer {
  const plain = Buffer.alloc(blobs.length * ENTRY_BYTES);
  blobs.forEach((b, i) => {
    const at = i * ENTRY_BYTES;
    plain[at] = b.type === 'tree' ? 1 : 0;
    plain.writeUInt32LE(b.length, at + 1);
    plain.writeUInt32LE(b.raw_length, at + 5);
    plain.write(b.id, at + 9, 32, 'hex');
  });
  const sealed = sealObject(key, plain, 0);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(sealed.length);
  return Buffer.concat([sealed, len]);
}

/** Reads the header of a whole pack file. */
export function decodePackHeader(key: Uint8Array, pack: Uint8Array, packId: string): PackBlob[] {
  const headerStart = packHeaderStart(pack, pack.length, packId);
  return openPackHeader(key, pack.subarray(headerStart), headerStart, packId);
}

/**
 * Where the sealed header starts, from the pack's size and its last four bytes (`tail` holds
 * at least those; more is fine).
 */
export function packHeaderStart(tail: Uint8Array, packSize: number, packId: string): number {
  const what = `pack ${packId.slice(0, 12)}`;
  if (packSize < 4 || tail.length < 4) throw new CairnError('corrupt', `${what} is truncated`);
  const view = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  const headerStart = packSize - 4 - view.readUInt32LE(view.length - 4);
  if (headerStart < 0) throw new CairnError('corrupt', `${what} has an impossible header length`);
  return headerStart;
}

/**
 * Opens the header from the pack's bytes after `headerStart` (the sealed header and its
 * length), checking that the blobs it lists fill the pack up to the header exactly.
 */
export function openPackHeader(
  key: Uint8Array,
  tail: Uint8Array,
  headerStart: number,
  packId: string,
): PackBlob[] {
  const what = `pack ${packId.slice(0, 12)}`;
  const plain = openObject(key, tail.subarray(0, tail.length - 4), `${what} header`);
  if (plain.length % ENTRY_BYTES !== 0)
    throw new CairnError('corrupt', `${what} header is malformed`);
  const blobs: PackBlob[] = [];
  let offset = 0;
  for (let at = 0; at < plain.length; at += ENTRY_BYTES) {
    const length = plain.readUInt32LE(at + 1);
    blobs.push({
      type: plain[at] === 1 ? 'tree' : 'data',
      length,
      raw_length: plain.readUInt32LE(at + 5),
      id: plain.toString('hex', at + 9, at + 41),
      offset,
    });
    offset += length;
  }
  if (offset !== headerStart)
    throw new CairnError('corrupt', `${what} header does not match its contents`);
  return blobs;
}
