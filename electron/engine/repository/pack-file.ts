/**
 * One pack being written to a local spool file (see Target.spoolDir): blobs are appended as
 * they are sealed, the header last, and the file is named by the SHA-256 of its contents once
 * finished. Writes are blocking on purpose — they land in the page cache in well under a
 * millisecond, and a blob is garbage the moment its write returns, so nothing piles up.
 * Used by the workers for file data and by the main thread for trees and API records.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encodePackHeader, type BlobType, type PackBlob } from '../format/pack.js';

export interface FinishedPack {
  /** The spool file; the target adopts it under `id`. */
  path: string;
  id: string;
  blobs: PackBlob[];
  /** Sealed bytes of the blobs (the header not counted) and their plaintext size. */
  bytes: number;
  bytesRaw: number;
}

export class PackFile {
  private readonly hash: Hash = createHash('sha256');
  private readonly blobs: PackBlob[] = [];
  private offset = 0;
  private bytesRaw = 0;

  private constructor(
    private readonly path: string,
    private readonly fd: number,
  ) {}

  static create(spoolDir: string): PackFile {
    const file = path.join(spoolDir, `${randomBytes(8).toString('hex')}.tmp`);
    return new PackFile(file, fs.openSync(file, 'wx', 0o600));
  }

  /** Sealed bytes written so far. */
  get size(): number {
    return this.offset;
  }

  /** Appends a sealed blob, given whole or as pieces (sealObjectParts). */
  add(
    id: string,
    type: BlobType,
    sealed: Uint8Array | readonly Uint8Array[],
    rawLength: number,
  ): void {
    const parts = sealed instanceof Uint8Array ? [sealed] : sealed;
    let length = 0;
    for (const part of parts) length += part.length;
    this.writeAll(parts, length);
    this.blobs.push({ id, type, offset: this.offset, length, raw_length: rawLength });
    this.offset += length;
    this.bytesRaw += rawLength;
  }

  /** Appends the header and closes the file; it is complete but not yet durable. */
  finish(encryptKey: Uint8Array): FinishedPack {
    this.write(encodePackHeader(encryptKey, this.blobs));
    fs.closeSync(this.fd);
    return {
      path: this.path,
      id: this.hash.digest('hex'),
      blobs: this.blobs,
      bytes: this.offset,
      bytesRaw: this.bytesRaw,
    };
  }

  /** Closes and removes the spool file (a backup that failed or was cancelled). */
  discard(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
    fs.rmSync(this.path, { force: true });
  }

  private write(data: Uint8Array): void {
    this.writeAll([data], data.length);
  }

  private writeAll(parts: readonly Uint8Array[], length: number): void {
    for (const part of parts) this.hash.update(part);
    let done = fs.writevSync(this.fd, parts as Uint8Array[]);
    if (done === length) return;
    // A short write (rare: a full disk reports it on the next call): finish piece by piece.
    let skip = done;
    for (const part of parts) {
      if (skip >= part.length) {
        skip -= part.length;
        continue;
      }
      let at = skip;
      skip = 0;
      while (at < part.length) {
        const n = fs.writeSync(this.fd, part, at, part.length - at);
        at += n;
        done += n;
      }
    }
  }
}
