/**
 * The pool of crypto workers (one per core) seen from the main thread. Work goes to the
 * least-loaded worker; callers bound their own in-flight work, so memory stays flat however
 * large the input.
 */
import os from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { CairnError, type ErrorKind } from '../errors.js';
import type { MasterKey } from '../crypto/key-slot.js';
import type { ChunkerParams } from '../format/repo-config.js';
import type { FinishedPack } from '../repository/pack-file.js';
import { detachable } from './detachable.js';
import { Lane, type LaneKeys } from './lane.js';
import { sharesMainThread } from './main-thread-policy.js';
import type {
  FileJob,
  FileOutcome,
  PackSpool,
  PackVerdict,
  RangeBytes,
  RangeOutcome,
  RestoreRange,
  WorkerError,
  WorkerRequest,
  WorkerResponse,
  WorkerStart,
} from './worker-messages.js';

/** The main thread's side of a backup's file reading. */
export interface FileSink {
  /** Which chunks are new (reserving them); may wait until the pack writer has room. */
  claim(ids: string[]): Promise<boolean[]>;
  /** A worker finished a pack file: store it and index it. */
  pack(pack: FinishedPack): void;
  bytes(n: number): void;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
  sink?: FileSink;
  worker: PoolWorker;
  load: number;
}

/** Where a lane's requests go: a worker thread, or the main thread's own lane. */
interface LaneEndpoint {
  postMessage(req: WorkerRequest, transfer?: ArrayBuffer[]): void;
  terminate(): Promise<unknown>;
}

interface PoolWorker {
  worker: LaneEndpoint;
  load: number;
}

/**
 * The main thread's lane is chosen as if this much work (bytes) were already waiting on it.
 * The main thread also walks folders, answers the workers' questions, stores packs and, with a
 * remote target, sends and receives every byte over HTTP; profiles of backups and restores to
 * a REST server showed it busy throughout while the worker sat idle for half the run, because
 * an idle main lane took every other batch or range. Two restore ranges or a batch of small
 * files: large files still go to both.
 */
const MAIN_LANE_HANDICAP = 4 * 1024 * 1024;

/**
 * A lane on the main thread. Requests and answers each wait for a later turn of the event loop,
 * as a worker's messages would, so callers never see an answer before their request returned,
 * and the main thread's own work (walking folders, answering claims, storing packs) goes on
 * between the lane's steps. Buffers are handed over as they are: nothing is detached.
 */
class MainThreadLane implements LaneEndpoint {
  private readonly lane: Lane;
  private closed = false;

  constructor(
    keys: LaneKeys,
    deliver: (msg: WorkerResponse) => void,
    private readonly fail: (err: Error) => void,
  ) {
    this.lane = new Lane(keys, (msg) =>
      setImmediate(() => {
        if (!this.closed) deliver(msg);
      }),
    );
  }

  postMessage(req: WorkerRequest): void {
    setImmediate(() => {
      // What would end a worker with an 'error' event fails the pool here as well.
      try {
        this.lane.handle(req);
      } catch (err) {
        this.fail(err as Error);
      }
    });
  }

  /** Stops the lane's work as terminating a worker would; nothing it sends is delivered. */
  terminate(): Promise<void> {
    this.closed = true;
    this.lane.stop();
    return Promise.resolve();
  }
}

/**
 * Lanes keep almost nothing alive on their heaps (data is in pooled or kept buffers) but make
 * a small object or buffer view per slice of work; with V8's default young generation (tens of
 * MiB) those views keep their freed buffers' memory for a long time. A 1 MiB one is scavenged
 * every few hundred KiB of work, costs no measurable time, and saves about 5 MB per worker.
 */
const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 1 };

function workerUrl(): URL {
  const here = import.meta.url;
  // Under tests the engine runs from TypeScript sources, but a worker cannot load .ts on
  // Node 20 (a loader passed in execArgv is not applied to it); use the built worker, which
  // the test setup builds first.
  if (here.endsWith('.ts'))
    return new URL('../../../dist/electron/engine/pipeline/crypto-worker.js', here);
  return new URL('./crypto-worker.js', here);
}

/** Workers started before their keys were known (prestartWorkers), for the next pool. */
const spares: Worker[] = [];

function defaultSize(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

/**
 * Starts the next pool's workers now, in a process that does one job (the CLI): a worker
 * takes a few hundred ms to load its modules, which then overlap the key derivation instead
 * of delaying the first work after it. They get their keys in their first message.
 */
export function prestartWorkers(size = defaultSize()): void {
  if (!sharesMainThread()) return;
  while (spares.length < size - 1) {
    const worker = new Worker(workerUrl(), { resourceLimits: WORKER_LIMITS });
    worker.unref();
    // Until a pool takes it, a failing spare is only not used.
    worker.on('error', () => spares.splice(spares.indexOf(worker) >>> 0, 1));
    spares.push(worker);
  }
}

export class WorkerPool {
  readonly size: number;
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private failure: Error | undefined;

  /** Workers start on first use: a backup where nothing changed never needs them. */
  constructor(
    private readonly key: MasterKey,
    private readonly chunkerSeed = '',
    size = defaultSize(),
  ) {
    this.size = size;
  }

  /** Compresses (where it pays) and encrypts. `data` is transferred: do not use it afterwards. */
  async seal(data: Buffer, level?: number): Promise<Buffer> {
    const res = await this.submit<{ data: Buffer }>(data.length, (seq) => ({
      op: 'seal',
      seq,
      data: detachable(data),
      level,
    }));
    return res.data;
  }

  /** Decrypts and decompresses; with verifyId, also returns the blob id of the plaintext. */
  open(
    data: Buffer,
    what: string,
    verifyId = false,
  ): Promise<{ data: Buffer; id?: string | undefined }> {
    return this.submit(data.length, (seq) => ({
      op: 'open',
      seq,
      data: detachable(data),
      what,
      verifyId,
    }));
  }

  verifyPack(data: Buffer, packId: string): Promise<PackVerdict> {
    return this.submit(data.length, (seq) => ({
      op: 'verifyPack',
      seq,
      data: detachable(data),
      packId,
    }));
  }

  /** Verifies a pack that is a local file, reading it on the worker. */
  verifyPackFile(path: string, packId: string): Promise<PackVerdict> {
    return this.submit(1, (seq) => ({ op: 'verifyPackFile', seq, path, packId }));
  }

  /**
   * Restores a range of a pack on a worker (see RestoreRange); `data` holds the range's bytes
   * when the worker cannot read the pack itself. The buffer `data` is a view of moves to the
   * worker whole (unless it is Node's shared pool, then a copy goes) and comes back as the
   * outcome's `buffer`: nothing may use it meanwhile. Resolves to what the worker wrote and
   * which files it could not complete.
   */
  restoreRange(range: RestoreRange, data?: Buffer): Promise<RangeOutcome> {
    return this.submit(range.length, (seq) =>
      data
        ? { op: 'restoreRange', seq, range, data: rangeBytes(data) }
        : { op: 'restoreRange', seq, range },
    );
  }

  /** Work submitted and not yet answered. */
  get busy(): number {
    return this.pending.size;
  }

  /**
   * Reads, chunks and stores files on a worker, which writes new chunks into packs of its own
   * in `spool`; `load` is their total size, for balancing.
   */
  readFiles(
    files: FileJob[],
    chunker: ChunkerParams,
    spool: PackSpool,
    load: number,
    sink: FileSink,
  ): Promise<FileOutcome[]> {
    return this.submit(load, (seq) => ({ op: 'readFiles', seq, files, chunker, spool }), sink);
  }

  /** Closes every worker's open pack and returns them to be stored (or deletes them). */
  async finishPacks(discard = false): Promise<FinishedPack[]> {
    if (this.failure) throw this.failure;
    const each = this.workers.map(
      (w) =>
        new Promise<FinishedPack[]>((resolve, reject) => {
          const seq = ++this.seq;
          this.pending.set(seq, {
            resolve: resolve as (v: never) => void,
            reject,
            worker: w,
            load: 0,
          });
          w.worker.postMessage({ op: 'finishPacks', seq, discard } satisfies WorkerRequest);
        }),
    );
    return (await Promise.all(each)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }

  private start(): void {
    const url = workerUrl();
    const keys: LaneKeys = {
      encryptKey: this.key.encrypt,
      chunkIdKey: this.key.chunkId,
      chunkerSeed: this.chunkerSeed,
    };
    const shared = sharesMainThread();
    for (let i = 0; i < (shared ? this.size - 1 : this.size); i++) {
      const spare = spares.shift();
      const worker = spare ?? new Worker(url, { workerData: keys, resourceLimits: WORKER_LIMITS });
      if (spare) spare.postMessage({ op: 'keys', keys } satisfies WorkerStart);
      worker.unref();
      const entry: PoolWorker = { worker, load: 0 };
      worker.on('message', (msg: WorkerResponse) => this.onMessage(entry, msg));
      worker.on('error', (err) => this.fail(err));
      this.workers.push(entry);
    }
    // Last, so that work goes to a worker thread when loads are equal: the main thread also
    // walks folders, answers the workers and stores packs, and with small batches (a folder of
    // small files at a time) it would otherwise take nearly every one while a worker waits.
    if (shared) {
      const entry: PoolWorker = {
        worker: new MainThreadLane(
          keys,
          (msg) => this.onMessage(entry, msg),
          (err) => this.fail(err),
        ),
        load: 0,
      };
      this.workers.push(entry);
    }
  }

  private onMessage(entry: PoolWorker, msg: WorkerResponse): void {
    const p = this.pending.get(msg.seq);
    if (!p) return;
    switch (msg.kind) {
      case 'claim':
        p.sink!.claim(msg.ids).then(
          (fresh) =>
            entry.worker.postMessage({
              op: 'claimed',
              seq: msg.seq,
              claim: msg.claim,
              fresh,
            } satisfies WorkerRequest),
          (err: Error) => this.settle(msg.seq, p, () => p.reject(err)),
        );
        return;
      case 'pack':
        p.sink!.pack(msg.pack);
        return;
      case 'packs':
        this.settle(msg.seq, p, () => p.resolve(msg.packs as never));
        return;
      case 'bytes':
        p.sink!.bytes(msg.bytes);
        return;
      case 'files':
        this.settle(msg.seq, p, () => p.resolve(msg.outcomes as never));
        return;
      case 'verdict':
        this.settle(msg.seq, p, () => p.resolve(msg.verdict as never));
        return;
      case 'written':
        this.settle(msg.seq, p, () => p.resolve(msg.outcome as never));
        return;
      case 'failed':
        this.settle(msg.seq, p, () => p.reject(rebuild(msg.error)));
        return;
      case 'result':
        this.settle(msg.seq, p, () =>
          msg.ok
            ? p.resolve({ data: Buffer.from(msg.data), id: msg.id } as never)
            : p.reject(new CairnError('corrupt', msg.error)),
        );
    }
  }

  private settle(seq: number, p: Pending, fn: () => void): void {
    this.pending.delete(seq);
    p.worker.load -= p.load;
    fn();
  }

  private submit<T>(
    load: number,
    make: (seq: number) => WorkerRequest,
    sink?: FileSink,
  ): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) this.start();
    const seq = ++this.seq;
    const req = make(seq);
    const queued = (w: PoolWorker) =>
      w.load + (w.worker instanceof MainThreadLane ? MAIN_LANE_HANDICAP : 0);
    let target = this.workers[0]!;
    for (const w of this.workers) if (queued(w) < queued(target)) target = w;
    target.load += load;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, {
        resolve: resolve as (v: never) => void,
        reject,
        worker: target,
        load,
        ...(sink ? { sink } : {}),
      });
      const data = 'data' in req ? req.data : undefined;
      const transfer = !data ? [] : data instanceof ArrayBuffer ? [data] : [data.buffer];
      target.worker.postMessage(req, transfer);
    });
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

function rebuild(error: WorkerError): Error {
  if (error.kind) return new CairnError(error.kind as ErrorKind, error.message);
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}

/** A range's bytes with the whole buffer they are in, which moves to the worker. */
function rangeBytes(data: Buffer): RangeBytes {
  if (data.byteOffset === 0 && data.buffer.byteLength !== Buffer.poolSize)
    return { buffer: data.buffer as ArrayBuffer, length: data.length };
  return { buffer: detachable(data), length: data.length };
}
