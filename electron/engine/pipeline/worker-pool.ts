/**
 * A small pool of crypto workers (one per core). Work is handed to the least-loaded worker;
 * callers bound their own in-flight work, so memory stays flat however large the input.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CairnError } from '../errors.js';
import type { MasterKey } from '../crypto/key-slot.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

interface Pending {
  resolve: (res: { data: Buffer; id?: string | undefined }) => void;
  reject: (err: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  busy: number;
}

function workerUrl(): { url: URL; execArgv: string[] } {
  const here = import.meta.url;
  // Under tests the engine runs from TypeScript sources; the worker then needs tsx's loader.
  if (here.endsWith('.ts')) {
    return { url: new URL('./crypto-worker.ts', here), execArgv: ['--import', 'tsx'] };
  }
  return { url: new URL('./crypto-worker.js', here), execArgv: [] };
}

export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private failure: Error | undefined;

  readonly size: number;

  /** Workers start on first use: a backup where nothing changed never needs them. */
  constructor(
    private readonly key: MasterKey,
    size = Math.max(1, Math.min(os.availableParallelism(), 8)),
  ) {
    this.size = size;
  }

  private start(): void {
    const key = this.key;
    const { url, execArgv } = workerUrl();
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(url, {
        workerData: { encryptKey: key.encrypt, chunkIdKey: key.chunkId },
        execArgv,
      });
      worker.unref();
      const entry: PoolWorker = { worker, busy: 0 };
      worker.on('message', (res: WorkerResponse) => {
        entry.busy--;
        const p = this.pending.get(res.seq);
        if (!p) return;
        this.pending.delete(res.seq);
        if (res.ok) p.resolve({ data: Buffer.from(res.data), id: res.id });
        else p.reject(new CairnError('corrupt', res.error));
      });
      worker.on('error', (err) => this.fail(err));
      this.workers.push(entry);
    }
  }

  /** Compresses (where it pays) and encrypts. `data` is transferred: do not use it afterwards. */
  async seal(data: Buffer, level?: number): Promise<Buffer> {
    const res = await this.submit((seq) => ({ op: 'seal', seq, data: detachable(data), level }));
    return res.data;
  }

  /** Decrypts and decompresses; with verifyId, also returns the blob id of the plaintext. */
  open(
    data: Buffer,
    what: string,
    verifyId = false,
  ): Promise<{ data: Buffer; id?: string | undefined }> {
    return this.submit((seq) => ({ op: 'open', seq, data: detachable(data), what, verifyId }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }

  private submit(
    make: (seq: number) => WorkerRequest,
  ): Promise<{ data: Buffer; id?: string | undefined }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) this.start();
    const seq = ++this.seq;
    const req = make(seq);
    let target = this.workers[0]!;
    for (const w of this.workers) if (w.busy < target.busy) target = w;
    target.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      target.worker.postMessage(req, [req.data]);
    });
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** An ArrayBuffer holding exactly `buf`'s bytes that may be transferred away. */
function detachable(buf: Buffer): ArrayBuffer {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && !isPooled(buf)) {
    return buf.buffer as ArrayBuffer;
  }
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy.buffer;
}

function isPooled(buf: Buffer): boolean {
  return buf.buffer.byteLength === Buffer.poolSize;
}
