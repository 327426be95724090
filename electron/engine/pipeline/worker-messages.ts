/**
 * Messages between the main thread and the crypto workers.
 *
 * Backup sends whole files (`readFiles`): the worker reads, chunks and hashes them, asks the
 * main thread which chunks are new (`claim` → `claimed`: the main thread owns the index, so
 * two workers never store the same chunk twice), seals the new ones into a pack file of its
 * own in the target's spool folder, reports each finished pack (`pack`) for the main thread
 * to store and index, then each file's chunk list; `finishPacks` closes the packs still open
 * at the end. Restore sends ranges of packs (`restoreRange`): the worker reads the range itself
 * when the pack is a local file, opens the blobs in it and writes their plaintext into the
 * files that need it, so file contents never cross back to the main thread. Check sends packs
 * to verify, by path when local, else whole.
 */
import type { ChunkerParams } from '../format/repo-config.js';
import type { BlobType } from '../format/pack.js';
import type { FinishedPack } from '../repository/pack-file.js';

/** What a worker's lane needs to seal and identify chunks: the repository's keys. */
export interface LaneKeys {
  encryptKey: Uint8Array;
  chunkIdKey: Uint8Array;
  chunkerSeed: string;
}

/** A file to back up, as the scan saw it: it is read only if it is still that file. */
export interface FileJob {
  /** In-memory path (format/raw-name.ts). */
  path: string;
  /** Device and inode numbers from the scan (decimal strings). */
  device: string;
  inode: string;
  /** Follow a symlink at `path` (a path the user named); otherwise a link is not opened. */
  followLink?: boolean;
}

/** Where a worker writes its packs, and how large they grow. */
export interface PackSpool {
  dir: string;
  packSize: number;
}

export type FileOutcome =
  | { ok: true; content: string[]; size: number; unstable: boolean }
  | { ok: false; code: string; message: string };

export interface PackVerdict {
  hashOk: boolean;
  /** Header entries as found in the pack, or undefined when the header is unreadable. */
  blobs?: { id: string; type: BlobType; offset: number; length: number; raw_length: number }[];
  headerError?: string;
  /** Blobs that fail to open or do not match their id. */
  bad: string[];
}

/** The file a restore range writes into. */
export type RangeFile =
  /**
   * Opened by the main thread, which finishes it once all its ranges are written. With `size`
   * known, all-zero blobs are not written: the finished file is truncated to `size`, so they
   * stay holes, as they were in a sparse original.
   */
  | { fd: number; size?: number }
  /**
   * All of the file's content is in this range: the worker creates it under `partial` (O_EXCL:
   * never through a link), writes it, sets its metadata and renames it to `path`.
   */
  | {
      path: string;
      partial: string;
      size?: number;
      mode: number;
      /** Seconds, or a Date before 1970 (content-writer.ts, mtimeSeconds). */
      mtime: number | Date;
      owner?: { uid: number; gid: number };
      /** Takes the place of the file at `path` once complete (partial-file.ts, placeSync). */
      replace?: boolean;
    };

export interface RangeBlob {
  id: string;
  /** Where the sealed blob starts, from the start of the range. */
  at: number;
  length: number;
  rawLength: number;
  /** Where its plaintext goes: pairs of (index into the range's files, position in the file). */
  writes: number[];
}

export interface RestoreRange {
  pack: string;
  /** The pack as a local file the worker reads itself; without it the request carries the bytes. */
  path?: string;
  offset: number;
  length: number;
  files: RangeFile[];
  blobs: RangeBlob[];
}

/**
 * What a restore range did: the plaintext bytes written into each of its files, and the files
 * it could not complete because a blob they need is damaged (by index into the range's files).
 * A worker-created file that failed is already removed; the others are written as usual.
 */
export interface RangeOutcome {
  written: number[];
  damaged: { file: number; message: string }[];
  /** The buffer the range's bytes came in, handed back for the next range. */
  buffer?: ArrayBuffer;
}

/** A range's bytes as they came: `length` bytes at the start of `buffer`, which may be larger. */
export interface RangeBytes {
  buffer: ArrayBuffer;
  length: number;
}

/** An error thrown on a worker, rebuilt on the main thread. */
export interface WorkerError {
  message: string;
  /** The CairnError kind, when it was one. */
  kind?: string;
  /** The errno code (ENOSPC, …), when it was a system error. */
  code?: string;
}

/** The first message to a worker started before its keys were known (prestartWorkers). */
export interface WorkerStart {
  op: 'keys';
  keys: LaneKeys;
}

export type WorkerRequest =
  | { op: 'seal'; seq: number; data: ArrayBuffer; level?: number }
  | { op: 'open'; seq: number; data: ArrayBuffer; what: string; verifyId: boolean }
  | { op: 'verifyPack'; seq: number; data: ArrayBuffer; packId: string }
  | { op: 'verifyPackFile'; seq: number; path: string; packId: string }
  | { op: 'restoreRange'; seq: number; range: RestoreRange; data?: RangeBytes }
  | { op: 'readFiles'; seq: number; files: FileJob[]; chunker: ChunkerParams; spool: PackSpool }
  | { op: 'finishPacks'; seq: number; discard: boolean }
  | { op: 'claimed'; seq: number; claim: number; fresh: boolean[] };

export type WorkerResponse =
  | { kind: 'result'; seq: number; ok: true; data: ArrayBuffer; id?: string | undefined }
  | { kind: 'result'; seq: number; ok: false; error: string }
  | { kind: 'verdict'; seq: number; verdict: PackVerdict }
  | { kind: 'written'; seq: number; outcome: RangeOutcome }
  | { kind: 'failed'; seq: number; error: WorkerError }
  | { kind: 'files'; seq: number; outcomes: FileOutcome[] }
  | { kind: 'packs'; seq: number; packs: FinishedPack[] }
  | { kind: 'pack'; seq: number; pack: FinishedPack }
  | { kind: 'claim'; seq: number; claim: number; ids: string[] }
  | { kind: 'bytes'; seq: number; bytes: number };
