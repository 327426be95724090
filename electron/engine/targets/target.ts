/**
 * A storage target holds a repository's files. Every target stores the same six kinds of file
 * (restic's REST protocol kinds), so one repository layout maps onto a local folder, S3,
 * WebDAV, SFTP and rest-server alike:
 *
 *   config            one file
 *   keys/<id>         key slots
 *   locks/<id>        locks
 *   snapshots/<id>    snapshot manifests
 *   index/<id>        index files
 *   data/<id>         packs (a local folder fans them out into data/<first two hex>/<id>)
 *
 * What every target guarantees (the conformance suite in test/helpers proves it for each):
 * - read-after-write: once save() or adopt() resolves, load() and list() see the whole file;
 * - atomic placement: a reader never sees part of a file, and a save that failed leaves nothing
 *   under the file's name;
 * - a file is never replaced: every name but config is the SHA-256 of the file's bytes, so a
 *   file already there is already complete; a second config is refused with
 *   'repository-exists' where the store can tell (S3 with conditional writes, WebDAV, SFTP);
 * - a missing file fails load() with an error that `isNotFound` recognises; remove() of a
 *   missing file succeeds;
 * - transient faults are retried a bounded number of times; what still fails is a one-line
 *   CairnError naming the operation, the file and the target (passwords never appear).
 */
export type FileKind = 'config' | 'keys' | 'locks' | 'snapshots' | 'index' | 'data';

export const FILE_KINDS: readonly FileKind[] = [
  'config',
  'keys',
  'locks',
  'snapshots',
  'index',
  'data',
];

export interface FileInfo {
  name: string;
  size: number;
}

/** A temporary file a killed save left behind (see Target.leftovers). */
export interface Leftover {
  name: string;
  /** When it was last written, in ms since 1970. */
  modifiedMs: number;
  read(): Promise<Buffer>;
  remove(): Promise<void>;
}

/**
 * What a connection test found (Target.testConnection). Anything that stops the target from
 * being used at all — unreachable, credentials refused, no such bucket — is a rejection with a
 * CairnError saying so in words instead.
 */
export interface ConnectionReport {
  /** Milliseconds one small request took once connected. */
  latencyMs: number;
  /** Whether a repository lives there already. */
  repositoryExists: boolean;
  /**
   * Whether a scratch file could be written and removed; null where it was not tried (the
   * folder does not exist yet, or the protocol has no place for a scratch file).
   */
  writable: boolean | null;
  /** Free space in bytes, where the target can tell. */
  freeBytes: number | null;
}

export interface Target {
  /** A location string with any password removed, fit for messages and logs. */
  readonly displayName: string;
  /** Creates the folders a new repository needs; fails if a repository already exists. */
  create(): Promise<void>;
  /** Whether a repository lives here (its config file exists). */
  exists(): Promise<boolean>;
  /** How many saves are worth running at once (1 for a local disk, more for remote targets). */
  readonly saveConcurrency: number;
  /** Stores a whole file (given whole or in parts, concatenated); readers never see a partial one. */
  save(kind: FileKind, name: string, data: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /**
   * A local folder where large files (packs) are written before adopt(), so they never sit in
   * memory whole; for a local target it is on the same disk, so adopting is a rename.
   * Files in it end in `.tmp`.
   */
  readonly spoolDir: string;
  /** Stores the finished local file `localPath` (in spoolDir) as kind/name, durably; it is moved. */
  adopt(kind: FileKind, name: string, localPath: string): Promise<void>;
  /**
   * Removes spool files left by operations that were killed. Only safe while nothing else
   * writes to the repository (prune calls it under its exclusive lock).
   */
  clearSpool(): Promise<void>;
  /** Reads a file, or the byte range [offset, offset+length). */
  load(kind: FileKind, name: string, range?: ByteRange): Promise<Buffer>;
  list(kind: FileKind): Promise<FileInfo[]>;
  /**
   * The path of a stored file when it is a local file that worker threads may read directly
   * (restore and check then never carry its bytes through the main thread).
   */
  localPath?(kind: FileKind, name: string): string;
  remove(kind: FileKind, name: string): Promise<void>;
  /**
   * The temporary files of `kind` that saves killed before their rename left behind, for
   * whoever can tell they are stale (locks). Only targets that write through a temporary file
   * have any.
   */
  leftovers?(kind: FileKind): Promise<Leftover[]>;
  /** Remote targets: reachable, credentials accepted, listable, writable; latency, free space. */
  testConnection?(): Promise<ConnectionReport>;
  close(): Promise<void>;
}

/**
 * A byte range of a stored file. `into`, a buffer of at least `length` bytes, is where the
 * target may put the bytes (the result is then a view of it), so a restore reuses a few
 * buffers instead of allocating one per range; a target may ignore it. The result is what was
 * read either way.
 */
export interface ByteRange {
  offset: number;
  length: number;
  into?: Buffer;
}
