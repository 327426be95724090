/**
 * Runs in a worker: restores one range of a pack — reads it (or takes the bytes sent along),
 * opens every blob in it and writes each plaintext at its positions in the files that hold
 * it. Files whose whole content lies in the range are created, written and finished here;
 * the main thread only plans.
 */
import fs from 'node:fs';
import { CairnError } from '../errors.js';
import { fsPath } from '../format/raw-name.js';
import { createPartialSync, placeSync } from '../restore/partial-file.js';
import type { BlobOpener } from './worker-blob-opener.js';
import type { RangeFile, RestoreRange } from './worker-messages.js';

/** Returns the number of plaintext bytes written. */
export function restoreRange(opener: BlobOpener, range: RestoreRange, data?: ArrayBuffer): number {
  const fds: (number | undefined)[] = range.files.map((f) => ('fd' in f ? f.fd : undefined));
  // Writes still due per file this worker creates: it is finished after the last one.
  const due = new Array<number>(range.files.length).fill(0);
  for (const b of range.blobs) for (let i = 0; i < b.writes.length; i += 2) due[b.writes[i]!]!++;
  let packFd: number | undefined;
  let written = 0;
  try {
    let bytes: Buffer;
    if (data) {
      bytes = Buffer.from(data);
    } else {
      packFd = fs.openSync(range.path!, 'r');
      bytes = opener.readRange(packFd, range.offset, range.length);
    }
    for (const b of range.blobs) {
      const what = `blob ${b.id.slice(0, 12)} in pack ${range.pack.slice(0, 12)}`;
      if (b.at + b.length > bytes.length)
        throw new CairnError('corrupt', `${what} is cut short (the pack is truncated)`);
      const plain = opener.open(bytes.subarray(b.at, b.at + b.length), b.id, b.rawLength, what);
      const zeros = isAllZero(plain);
      for (let i = 0; i < b.writes.length; i += 2) {
        const index = b.writes[i]!;
        const file = range.files[index]!;
        let fd = fds[index];
        if (fd === undefined && 'path' in file) fd = fds[index] = createPartialSync(file.partial);
        // A hole stays a hole: the file is truncated to its size when finished.
        if (!zeros || file.size === undefined) writeAt(fd!, plain, b.writes[i + 1]!);
        written += plain.length;
        if ('path' in file && --due[index]! === 0) {
          fds[index] = undefined;
          finish(fd!, file);
        }
      }
    }
    return written;
  } finally {
    if (packFd !== undefined) fs.closeSync(packFd);
    // After a failure: close and remove what this worker opened (the main thread its own).
    range.files.forEach((f, i) => {
      const fd = fds[i];
      if ('path' in f && fd !== undefined) {
        fs.closeSync(fd);
        fs.rmSync(fsPath(f.partial), { force: true });
      }
    });
  }
}

function writeAt(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length)
    done += fs.writeSync(fd, data, done, data.length - done, position + done);
}

const ZEROS = Buffer.alloc(64 * 1024);

/** Checks the ends first: a block of data almost never starts and ends with zero. */
function isAllZero(data: Buffer): boolean {
  if (data.length === 0 || data[0] !== 0 || data[data.length - 1] !== 0) return false;
  for (let at = 0; at < data.length; at += ZEROS.length) {
    const end = Math.min(at + ZEROS.length, data.length);
    if (ZEROS.compare(data, at, end, 0, end - at) !== 0) return false;
  }
  return true;
}

function finish(fd: number, file: Extract<RangeFile, { path: string }>): void {
  try {
    if (file.size !== undefined) fs.ftruncateSync(fd, file.size);
    if (file.owner) fs.fchownSync(fd, file.owner.uid, file.owner.gid);
    fs.fchmodSync(fd, file.mode);
    fs.futimesSync(fd, file.mtime, file.mtime);
  } finally {
    fs.closeSync(fd);
  }
  placeSync(file.partial, file.path);
}
