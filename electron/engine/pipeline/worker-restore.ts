/**
 * Runs in a worker: restores one range of a pack — reads it (or takes the bytes sent along),
 * opens every blob in it and writes each plaintext at its positions in the files that hold
 * it. Files whose whole content lies in the range are created, written and finished here;
 * the main thread only plans. A damaged blob fails only the files that need it: they are
 * reported back (and removed when this worker created them), and the rest of the range is
 * written. A pack that is gone fails the whole range, as a `corrupt` error.
 */
import fs from 'node:fs';
import { CairnError } from '../errors.js';
import { fsPath } from '../format/raw-name.js';
import { createPartialSync, placeSync } from '../restore/partial-file.js';
import type { BlobOpener } from './worker-blob-opener.js';
import type { RangeBytes, RangeFile, RangeOutcome, RestoreRange } from './worker-messages.js';

export function restoreRange(
  opener: BlobOpener,
  range: RestoreRange,
  data?: RangeBytes,
): RangeOutcome {
  const fds: (number | undefined)[] = range.files.map((f) => ('fd' in f ? f.fd : undefined));
  // Writes still due per file this worker creates: it is finished after the last one.
  const due = new Array<number>(range.files.length).fill(0);
  for (const b of range.blobs) for (let i = 0; i < b.writes.length; i += 2) due[b.writes[i]!]!++;
  const damaged = new Map<number, string>();
  const written = new Array<number>(range.files.length).fill(0);
  // Files this worker left a hole in (an all-zero blob not written): only they need their size set.
  const holes = new Set<number>();
  let packFd: number | undefined;
  try {
    let bytes: Buffer;
    if (data) {
      bytes = Buffer.from(data.buffer, 0, data.length);
    } else {
      packFd = openPack(range);
      bytes = opener.readRange(packFd, range.offset, range.length);
    }
    for (const b of range.blobs) {
      const what = `blob ${b.id.slice(0, 12)} in pack ${range.pack.slice(0, 12)}`;
      let plain: Buffer;
      try {
        if (b.at + b.length > bytes.length)
          throw new CairnError('corrupt', `${what} is cut short (the pack is truncated)`);
        plain = opener.open(bytes.subarray(b.at, b.at + b.length), b.id, b.rawLength, what);
      } catch (err) {
        if (!(err instanceof CairnError && err.kind === 'corrupt')) throw err;
        for (let i = 0; i < b.writes.length; i += 2) {
          const index = b.writes[i]!;
          if (damaged.has(index)) continue;
          damaged.set(index, err.message);
          // A file this worker created goes at once; the main thread discards its own.
          const fd = fds[index];
          const file = range.files[index]!;
          if ('path' in file && fd !== undefined) {
            fds[index] = undefined;
            fs.closeSync(fd);
            fs.rmSync(file.partial, { force: true });
          }
        }
        continue;
      }
      const zeros = isAllZero(plain);
      for (let i = 0; i < b.writes.length; i += 2) {
        const index = b.writes[i]!;
        if (damaged.has(index)) continue;
        const file = range.files[index]!;
        let fd = fds[index];
        if (fd === undefined && 'path' in file) fd = fds[index] = createPartialSync(file.partial);
        // A hole stays a hole: the file is truncated to its size when finished.
        if (!zeros || file.size === undefined) writeAt(fd!, plain, b.writes[i + 1]!);
        else holes.add(index);
        written[index]! += plain.length;
        if ('path' in file && --due[index]! === 0) {
          fds[index] = undefined;
          finish(fd!, file, holes.has(index));
        }
      }
    }
    return { written, damaged: [...damaged].map(([file, message]) => ({ file, message })) };
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

function openPack(range: RestoreRange): number {
  try {
    return fs.openSync(range.path!, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CairnError('corrupt', `pack ${range.pack.slice(0, 12)} is missing`);
    throw err;
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

function finish(fd: number, file: Extract<RangeFile, { path: string }>, hole: boolean): void {
  try {
    // A hole at the end is part of the file only once its size is set.
    if (hole) fs.ftruncateSync(fd, file.size!);
    if (file.owner) fs.fchownSync(fd, file.owner.uid, file.owner.gid);
    fs.fchmodSync(fd, file.mode);
    fs.futimesSync(fd, file.mtime, file.mtime);
  } finally {
    fs.closeSync(fd);
  }
  placeSync(file.partial, file.path, file.replace);
}
