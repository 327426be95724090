/**
 * Reads a stored pack's own description of its blobs (its sealed header, see format/pack.ts)
 * from the pack's tail alone: what the index is rebuilt from, and what stands in for a damaged
 * index file.
 */
import type { MasterKey } from '../crypto/key-slot.js';
import { CairnError } from '../errors.js';
import { openPackHeader, packHeaderStart, type PackBlob } from '../format/pack.js';
import type { Target } from '../targets/target.js';

/** Enough for the header of a pack of a few hundred blobs in one read. */
const TAIL_GUESS = 64 * 1024;

/**
 * The blobs of pack `packId` (`size` bytes, from the target's listing). A damaged header throws
 * a `corrupt` CairnError; a failed read throws the target's error.
 */
export async function readPackHeader(
  target: Target,
  key: MasterKey,
  packId: string,
  size: number,
): Promise<PackBlob[]> {
  const guess = Math.min(size, TAIL_GUESS);
  const tail = await target.load('data', packId, { offset: size - guess, length: guess });
  if (tail.length < guess)
    throw new CairnError('corrupt', `pack ${packId.slice(0, 12)} is shorter than listed`);
  const headerStart = packHeaderStart(tail, size, packId);
  const header =
    headerStart >= size - guess
      ? tail.subarray(headerStart - (size - guess))
      : await target.load('data', packId, { offset: headerStart, length: size - headerStart });
  return openPackHeader(key.encrypt, header, headerStart, packId);
}
