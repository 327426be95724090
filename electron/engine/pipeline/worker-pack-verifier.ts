/**
 * Runs in a worker: verifies one pack for `check --read-data` — its SHA-256 against its name,
 * its header, and every blob (decrypts, decompresses, and checks the id and size). A local
 * pack is read in windows of a few MiB into a reused buffer, never whole.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { openPackHeader, packHeaderStart, type PackBlob } from '../format/pack.js';
import type { BlobOpener, WorkerKeys } from './worker-blob-opener.js';
import type { PackVerdict } from './worker-messages.js';

const WINDOW = 2 * 1024 * 1024;

/** Bytes [offset, offset + length) of the pack, fewer at its end; valid until the next read. */
type ReadAt = (offset: number, length: number) => Buffer;

/** Verifies a pack held in memory. */
export function verifyPack(
  keys: WorkerKeys,
  opener: BlobOpener,
  pack: Buffer,
  packId: string,
): PackVerdict {
  return verify(keys, opener, pack.length, (o, l) => pack.subarray(o, o + l), packId);
}

/** Verifies a pack in a local file; throws when the file cannot be opened. */
export function verifyPackFile(
  keys: WorkerKeys,
  opener: BlobOpener,
  path: string,
  packId: string,
): PackVerdict {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    return verify(keys, opener, size, (o, l) => opener.readRange(fd, o, l), packId);
  } finally {
    fs.closeSync(fd);
  }
}

function verify(
  keys: WorkerKeys,
  opener: BlobOpener,
  size: number,
  read: ReadAt,
  packId: string,
): PackVerdict {
  const hash = createHash('sha256');
  let blobs: PackBlob[] | undefined;
  let tail: Buffer | undefined;
  try {
    const headerStart = packHeaderStart(read(Math.max(0, size - 4), 4), size, packId);
    tail = Buffer.from(read(headerStart, size - headerStart));
    blobs = openPackHeader(keys.encryptKey, tail, headerStart, packId);
  } catch (err) {
    // Still hash the whole file: the verdict says whether it is intact.
    for (let at = 0; at < size; at += WINDOW) hash.update(read(at, Math.min(WINDOW, size - at)));
    return {
      hashOk: hash.digest('hex') === packId,
      headerError: (err as Error).message,
      bad: [],
    };
  }
  const bad: string[] = [];
  // Windows of whole blobs, in file order, so the hash sees every byte once and in order.
  for (let first = 0; first < blobs.length;) {
    const start = blobs[first]!.offset;
    let last = first;
    while (
      last + 1 < blobs.length &&
      blobs[last + 1]!.offset + blobs[last + 1]!.length - start <= WINDOW
    )
      last++;
    const end = blobs[last]!.offset + blobs[last]!.length;
    const window = read(start, end - start);
    hash.update(window);
    for (let i = first; i <= last; i++) {
      const b = blobs[i]!;
      const at = b.offset - start;
      try {
        if (at + b.length > window.length) throw new Error('truncated');
        opener.open(window.subarray(at, at + b.length), b.id, b.raw_length, 'blob');
      } catch {
        bad.push(b.id);
      }
    }
    first = last + 1;
  }
  hash.update(tail);
  return { hashOk: hash.digest('hex') === packId, blobs, bad };
}
