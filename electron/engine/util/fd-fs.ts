/**
 * Promise wrappers over the callback fs API with plain file descriptors. Node's FileHandle API
 * costs several times more per call on the main thread; with thousands of small files that
 * overhead, not the disk, decides how long a backup or restore takes.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';

export const open = promisify(fs.open);
export const close = promisify(fs.close);
export const fstat = promisify(fs.fstat) as (
  fd: number,
  options: { bigint: true },
) => Promise<fs.BigIntStats>;
export const fchmod = promisify(fs.fchmod);
export const fchown = promisify(fs.fchown);
export const futimes = promisify(fs.futimes);
export const fsync = promisify(fs.fsync);
export const ftruncate = promisify(fs.ftruncate);
export const readdir = promisify(fs.readdir) as (dir: string | Buffer) => Promise<string[]>;

/** A folder's names as their bytes (names need not be UTF-8). */
export function readdirBytes(dir: string | Buffer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    fs.readdir(dir, { encoding: 'buffer' }, (err, names) => (err ? reject(err) : resolve(names)));
  });
}

export function lstatBig(path: string | Buffer): Promise<fs.BigIntStats> {
  return new Promise((resolve, reject) => {
    fs.lstat(path, { bigint: true }, (err, st) => (err ? reject(err) : resolve(st)));
  });
}

export function read(
  fd: number,
  buf: Uint8Array,
  offset: number,
  length: number,
  position: number | null,
): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/** Reads exactly `length` bytes unless the file ends first; returns the count read. */
export async function readFully(
  fd: number,
  buf: Uint8Array,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await read(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** readFully() with blocking calls, for worker threads (see worker-file-reader). */
export function readFullySync(
  fd: number,
  buf: Uint8Array,
  length: number,
  position: number,
): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export function writeAll(fd: number, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void => {
      if (off >= data.length) return resolve();
      fs.write(fd, data, off, data.length - off, null, (err, n) =>
        err ? reject(err) : step(off + n),
      );
    };
    step(0);
  });
}

export function writev(fd: number, parts: readonly Uint8Array[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = parts.filter((p) => p.length > 0);
    const step = (): void => {
      if (rest.length === 0) return resolve();
      // Bounded batches: IOV_MAX is 1024 on Linux.
      const batch = rest.slice(0, 512);
      fs.writev(fd, batch, null, (err, n) => {
        if (err) return reject(err);
        let left = n;
        while (left > 0 && rest.length > 0) {
          const first = rest[0]!;
          if (left >= first.length) {
            left -= first.length;
            rest = rest.slice(1);
          } else {
            rest = [first.subarray(left), ...rest.slice(1)];
            left = 0;
          }
        }
        step();
      });
    };
    step();
  });
}
