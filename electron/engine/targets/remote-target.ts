/**
 * A Target over a RemoteStore: what S3, WebDAV, SFTP and REST targets share.
 *
 * - Every operation is retried on transient faults (network errors, timeouts, 5xx, 429, a
 *   short upload) with exponential backoff and jitter, a bounded number of times, honouring a
 *   server's Retry-After; what still fails becomes one line naming the operation, the file and
 *   the target: "cannot upload data/3fa4b2c1d5e6… to rest:http://h/repo: 503 Service
 *   Unavailable after 5 attempts".
 * - Packs are written into a local spool folder (under Cairn's folder, one per repository) and
 *   uploaded from there by adopt(), which removes the local file afterwards.
 * - testConnection() looks at the target once, without retries (a person is waiting), and says
 *   in words what is wrong: unreachable, credentials refused, no such bucket or folder.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CairnError, errorMessage } from '../errors.js';
import { cairnHome } from '../util/paths.js';
import { fileLabel } from './object-layout.js';
import { StoreError, type Fault, type RemoteStore } from './remote-store.js';
import type { ByteRange, ConnectionReport, FileInfo, FileKind, Target } from './target.js';
import { TokenBucket } from '../util/token-bucket.js';
import { bufferBody, fileBody, throttledBody, type UploadBody } from './upload-body.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles for each further one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After is cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

export interface RemoteTargetOptions {
  retry?: Partial<RetryPolicy>;
  /** The local folder for packs before upload (default: Cairn's folder/spool/<location hash>). */
  spoolDir?: string;
  /** Bandwidth limits in bytes per second (`--limit-upload`, `--limit-download`). */
  limits?: TransferLimits;
}

export interface TransferLimits {
  uploadBytesPerSecond?: number | undefined;
  downloadBytesPerSecond?: number | undefined;
}

/** Bounds of a paced download's pieces (`--limit-download`). */
const MIN_PIECE = 16 * 1024;
const MAX_PIECE = 1024 * 1024;

export class RemoteTarget implements Target {
  readonly saveConcurrency: number;
  private readonly retry: RetryPolicy;
  private readonly spool: string;
  private spoolMade = false;
  private readonly upBucket: TokenBucket | undefined;
  private readonly downBucket: TokenBucket | undefined;

  constructor(
    /** The location with any password replaced by ***. */
    readonly displayName: string,
    private readonly store: RemoteStore,
    options: RemoteTargetOptions = {},
  ) {
    this.saveConcurrency = store.saveConcurrency;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const { uploadBytesPerSecond: up, downloadBytesPerSecond: down } = options.limits ?? {};
    if (up) this.upBucket = new TokenBucket(up);
    if (down) this.downBucket = new TokenBucket(down);
    this.spool =
      options.spoolDir ??
      path.join(
        cairnHome(),
        'spool',
        createHash('sha256').update(displayName).digest('hex').slice(0, 16),
      );
  }

  get spoolDir(): string {
    // Made on first use: read-only commands never need it.
    if (!this.spoolMade) {
      mkdirSync(this.spool, { recursive: true, mode: 0o700 });
      this.spoolMade = true;
    }
    return this.spool;
  }

  async exists(): Promise<boolean> {
    const size = await this.run('connect to', () => this.store.size('config', 'config'));
    return size !== undefined;
  }

  async create(): Promise<void> {
    if (await this.exists()) {
      throw new CairnError(
        'repository-exists',
        `a repository already exists at ${this.displayName}`,
      );
    }
    await this.run('create a repository at', () => this.store.createRoot());
  }

  save(kind: FileKind, name: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    return this.upload(kind, name, bufferBody(data));
  }

  async adopt(kind: FileKind, name: string, localPath: string): Promise<void> {
    try {
      await this.upload(kind, name, await fileBody(localPath));
    } finally {
      // Uploaded, or failed for good: either way no one will read the spool file again.
      await fs.rm(localPath, { force: true });
    }
  }

  async clearSpool(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.spool);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.endsWith('.tmp')) await fs.rm(path.join(this.spool, name), { force: true });
    }
  }

  async load(kind: FileKind, name: string, range?: ByteRange): Promise<Buffer> {
    const label = fileLabel(kind, name);
    const missing = {
      'not-found': (): never => {
        throw Object.assign(new Error(`${label} not found at ${this.displayName}`), {
          code: 'ENOENT',
        });
      },
    };
    const get = (part?: ByteRange) =>
      this.run(`download ${label} from`, () => this.store.get(kind, name, part), missing);
    const bucket = this.downBucket;
    if (!bucket) return get(range);
    // `--limit-download`: the file comes in pieces of the bucket's burst, each asked for only
    // once the bucket allows its bytes, so every download in flight shares one rate on the
    // wire. (Pausing a whole answer as it arrives does not: the sockets' buffers take in
    // megabytes at full speed first.)
    const start = range?.offset ?? 0;
    const length =
      range?.length ??
      (await this.run(`download ${label} from`, () => this.store.size(kind, name))) ??
      missing['not-found']();
    const piece = Math.max(MIN_PIECE, Math.min(MAX_PIECE, Math.floor(bucket.burst)));
    const parts: Buffer[] = [];
    for (let at = 0; at < length;) {
      const want = Math.min(piece, length - at);
      await bucket.take(want);
      const part = await get({ offset: start + at, length: want });
      parts.push(part);
      at += part.length;
      if (part.length < want) break; // the end of the file
    }
    return Buffer.concat(parts);
  }

  list(kind: FileKind): Promise<FileInfo[]> {
    return this.run(`list ${kind} in`, () => this.store.list(kind));
  }

  remove(kind: FileKind, name: string): Promise<void> {
    return this.run(`delete ${fileLabel(kind, name)} from`, () => this.store.remove(kind, name), {
      'not-found': () => undefined,
    });
  }

  async testConnection(): Promise<ConnectionReport> {
    const once = { attempts: 1 };
    const { rootExists, freeBytes } = await this.run(
      'connect to',
      () => this.store.probe(),
      {},
      once,
    );
    const started = performance.now();
    const config = await this.run(
      'connect to',
      () => this.store.size('config', 'config'),
      {},
      once,
    );
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    let writable: boolean | null = null;
    const probeWrite = this.store.probeWrite?.bind(this.store);
    if (rootExists && probeWrite) {
      writable = await this.run(
        'write to',
        () => probeWrite().then(() => true),
        { forbidden: () => false },
        once,
      );
    }
    return { latencyMs, repositoryExists: config !== undefined, writable, freeBytes };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async upload(kind: FileKind, name: string, body: UploadBody): Promise<void> {
    const label = fileLabel(kind, name);
    const paced = this.upBucket ? throttledBody(body, this.upBucket) : body;
    const outcome = await this.run(`upload ${label} to`, () => this.store.put(kind, name, paced));
    if (outcome === 'stored') return;
    // The name was taken. Every name but config is the hash of the bytes, so it holds these
    // very bytes (often: our own earlier attempt, whose answer was lost on the way back).
    if (kind === 'config') {
      // Ours from an earlier attempt, or another repository's?
      const stored = await this.run(`download ${label} from`, () => this.store.get(kind, name));
      if (stored.equals(await body.read())) return;
      throw new CairnError(
        'repository-exists',
        `a repository already exists at ${this.displayName}`,
      );
    }
    const size = await this.run(`check ${label} on`, () => this.store.size(kind, name));
    if (size !== body.size) {
      throw new CairnError(
        'corrupt',
        `${label} at ${this.displayName} already exists with ${size ?? 'no'} bytes, not ${body.size}`,
      );
    }
  }

  /**
   * Runs one store operation with retries. `handlers` turn a fault into a result (or their own
   * error) instead of a failure; anything else becomes a one-line CairnError.
   */
  private async run<T>(
    what: string,
    op: () => Promise<T>,
    handlers: Partial<Record<Fault, () => T>> = {},
    policy: Partial<RetryPolicy> = {},
  ): Promise<T> {
    const retry = { ...this.retry, ...policy };
    for (let attempt = 1; ; attempt++) {
      let fault: StoreError;
      try {
        return await op();
      } catch (err) {
        if (err instanceof CairnError) throw err;
        fault =
          err instanceof StoreError
            ? err
            : new StoreError('fatal', errorMessage(err), { cause: err });
      }
      const handler = handlers[fault.fault];
      if (handler) return handler();
      if (fault.fault === 'transient' && attempt < retry.attempts) {
        await sleep(delayMs(retry, attempt, fault.retryAfterMs));
        continue;
      }
      throw this.failure(what, fault, attempt);
    }
  }

  private failure(what: string, fault: StoreError, attempts: number): CairnError {
    const where = `${what} ${this.displayName}`;
    let message: string;
    switch (fault.fault) {
      case 'credentials':
        message = `cannot ${where}: the server refused the credentials (${fault.message}); ${this.store.credentialsHint}`;
        break;
      case 'forbidden':
        message = `cannot ${where}: not allowed (${fault.message})`;
        break;
      default:
        message = `cannot ${where}: ${fault.message}${attempts > 1 ? ` after ${attempts} attempts` : ''}`;
    }
    return new CairnError('target-unreachable', message, { cause: fault });
  }
}

/** Equal jitter: half the exponential delay fixed, half random, so clients spread out. */
function delayMs(policy: RetryPolicy, failedAttempts: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return exponential / 2 + Math.random() * (exponential / 2);
}
