/**
 * What one remote protocol (S3, WebDAV, SFTP, REST) provides to RemoteTarget, which adds what
 * every remote target shares: retries, verification, the spool, messages, the connection test.
 * A store does one attempt per call and reports each failure as a StoreError whose fault says
 * what the failure means, so that one retry loop serves every protocol.
 */
import type { ByteRange, FileInfo, FileKind } from './target.js';
import type { UploadBody } from './upload-body.js';

/**
 * What a failure means:
 * - transient: worth another attempt (network errors, timeouts, 5xx, 429, a short upload);
 * - not-found: the file is not there;
 * - exists: a conditional create found the name taken;
 * - credentials: the server refused who we are (401, a bad access key, SSH auth failed);
 * - forbidden: it knows us but does not allow this (403);
 * - missing-root: the bucket or folder the location names does not exist;
 * - unsupported: the server does not implement a request (501), e.g. a conditional write;
 * - fatal: anything else that another attempt will not fix (a host that does not resolve).
 */
export type Fault =
  | 'transient'
  | 'not-found'
  | 'exists'
  | 'credentials'
  | 'forbidden'
  | 'missing-root'
  | 'unsupported'
  | 'fatal';

export class StoreError extends Error {
  readonly fault: Fault;
  /** How long the server asked us to wait (Retry-After), if it did. */
  readonly retryAfterMs: number | undefined;

  /** `reason` is a short phrase for messages: "503 Service Unavailable", "connection reset". */
  constructor(fault: Fault, reason: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(reason, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.fault = fault;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export interface RemoteStore {
  /** How many uploads are worth running at once. */
  readonly saveConcurrency: number;
  /** Where credentials for this protocol come from, for a message about refused ones. */
  readonly credentialsHint: string;
  /**
   * Stores a whole file under kind/name, invisible under that name until complete and checked
   * (its size, and a hash where the protocol has one). 'exists' when a file of that name was
   * already there and the store could tell without replacing it.
   */
  put(kind: FileKind, name: string, body: UploadBody): Promise<'stored' | 'exists'>;
  /** Reads a file or a byte range of it; a missing file is a 'not-found' StoreError. */
  get(kind: FileKind, name: string, range?: ByteRange): Promise<Buffer>;
  /** The size of a stored file, or undefined when there is none. */
  size(kind: FileKind, name: string): Promise<number | undefined>;
  /** The finished files of a kind (temporary upload names left out). */
  list(kind: FileKind): Promise<FileInfo[]>;
  /** Removes a file; a missing one is not an error. */
  remove(kind: FileKind, name: string): Promise<void>;
  /** Creates what a new repository needs (folders); the bucket itself must exist. */
  createRoot(): Promise<void>;
  /**
   * Looks at the location's root: proves the server answers, takes the credentials and lets
   * them list. Whether the root folder exists (a bucket that does not is 'missing-root').
   */
  probe(): Promise<{ rootExists: boolean; freeBytes: number | null }>;
  /** Writes and removes a scratch file; absent where the protocol has no place for one. */
  probeWrite?(): Promise<void>;
  close(): Promise<void>;
}
