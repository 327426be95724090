/**
 * Messages between the main thread and the crypto workers.
 *
 * Backup sends whole files (`readFiles`): the worker reads, chunks and hashes them, asks the
 * main thread which chunks are new (`claim` → `claimed`: the main thread owns the index, so
 * two workers never store the same chunk twice), seals the new ones into a pack file of its
 * own in the target's spool folder, reports each finished pack (`pack`) for the main thread
 * to store and index, then each file's chunk list. `finishPacks` closes the packs still open
 * at the end. Restore and check send sealed data to open or whole packs to verify.
 */
import type { ChunkerParams } from '../format/repo-config.js';
import type { BlobType } from '../format/pack.js';
import type { FinishedPack } from '../repository/pack-file.js';

export interface FileJob {
  path: string;
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

export type WorkerRequest =
  | { op: 'seal'; seq: number; data: ArrayBuffer; level?: number }
  | { op: 'open'; seq: number; data: ArrayBuffer; what: string; verifyId: boolean }
  | { op: 'verifyPack'; seq: number; data: ArrayBuffer; packId: string }
  | { op: 'readFiles'; seq: number; files: FileJob[]; chunker: ChunkerParams; spool: PackSpool }
  | { op: 'finishPacks'; seq: number; discard: boolean }
  | { op: 'claimed'; seq: number; claim: number; fresh: boolean[] };

export type WorkerResponse =
  | { kind: 'result'; seq: number; ok: true; data: ArrayBuffer; id?: string | undefined }
  | { kind: 'result'; seq: number; ok: false; error: string }
  | { kind: 'verdict'; seq: number; verdict: PackVerdict }
  | { kind: 'files'; seq: number; outcomes: FileOutcome[] }
  | { kind: 'failed'; seq: number; message: string }
  | { kind: 'packs'; seq: number; packs: FinishedPack[] }
  | { kind: 'pack'; seq: number; pack: FinishedPack }
  | { kind: 'claim'; seq: number; claim: number; ids: string[] }
  | { kind: 'bytes'; seq: number; bytes: number };
