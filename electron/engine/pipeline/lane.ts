/**
 * One lane of the crypto pipeline: reads, chunks, hashes, seals and packs files for backup;
 * reads, opens and writes ranges of packs for restore; verifies packs for check. A lane runs
 * in a worker thread (crypto-worker.ts), or on the main thread itself when nothing else needs
 * that thread (the CLI): then one worker fewer does the same work, and a worker's own cost —
 * a V8 heap, a Node environment, its buffers: 10–15 MB measured — is saved.
 *
 * Requests and responses are the worker messages either way (worker-messages.ts).
 */
import { gearTable } from '../chunker/fastcdc.js';
import { blobId } from '../crypto/chunk-id.js';
import { openObject, sealObject } from '../format/sealed-object.js';
import { BufferPool } from '../util/buffer-pool.js';
import { YoungGarbage } from '../util/young-garbage.js';
import { CairnError } from '../errors.js';
import { BlobOpener } from './worker-blob-opener.js';
import { readFiles, type FileReaderHost } from './worker-file-reader.js';
import { verifyPack, verifyPackFile } from './worker-pack-verifier.js';
import { restoreRange } from './worker-restore.js';
import { PackFile, type FinishedPack } from '../repository/pack-file.js';
import { detachable } from './detachable.js';
import type {
  LaneKeys,
  PackSpool,
  WorkerError,
  WorkerRequest,
  WorkerResponse,
} from './worker-messages.js';

export type { LaneKeys } from './worker-messages.js';

/** Sends a response; `transfer` lists buffers a worker hands over instead of copying. */
export type LaneSend = (msg: WorkerResponse, transfer?: ArrayBuffer[]) => void;

/** Bytes read per request go out per MiB, not per file. */
const REPORT_EVERY_BYTES = 1024 * 1024;

export class Lane {
  // Backup's garbage is the ciphers' output slices, written and dropped at once: a scavenge
  // every MiB frees them (measured: forced full collections on top only added memory and time).
  private readonly garbage = new YoungGarbage(1024 * 1024);
  /** Backup's buffers; restore and check keep their own (see BlobOpener). */
  private pool: BufferPool | undefined;
  private readonly unreported = new Map<number, number>();
  private readonly opener: BlobOpener;
  private readonly claims = new Map<
    number,
    { resolve: (fresh: boolean[]) => void; reject: (err: Error) => void }
  >();
  private stopped = false;
  private nextClaim = 0;
  private gear: Int32Array | undefined;
  /** This lane's open pack per spool folder (one per repository in practice). */
  private readonly openPacks = new Map<string, PackFile>();

  constructor(
    private readonly keys: LaneKeys,
    private readonly send: LaneSend,
  ) {
    this.opener = new BlobOpener(keys);
  }

  handle(req: WorkerRequest): void {
    if (this.stopped) return;
    const { encryptKey, chunkIdKey } = this.keys;
    switch (req.op) {
      case 'claimed': {
        const claim = this.claims.get(req.claim);
        this.claims.delete(req.claim);
        claim?.resolve(req.fresh);
        return;
      }
      case 'readFiles':
        readFiles(this.hostFor(req.seq, req.spool), req.files, req.chunker).then(
          (outcomes) => {
            this.reportRead(req.seq);
            this.send({ kind: 'files', seq: req.seq, outcomes });
          },
          (err: unknown) => this.send({ kind: 'failed', seq: req.seq, error: describe(err) }),
        );
        return;
      case 'finishPacks':
        this.answer(req.seq, () => ({
          kind: 'packs',
          seq: req.seq,
          packs: this.finishPacks(req.discard),
        }));
        return;
      case 'verifyPack': {
        const pack = Buffer.from(req.data);
        const verdict = verifyPack(this.keys, this.opener, pack, req.packId);
        this.send({ kind: 'verdict', seq: req.seq, verdict });
        this.opener.release(pack.length);
        return;
      }
      case 'verifyPackFile':
        this.answer(req.seq, () => ({
          kind: 'verdict',
          seq: req.seq,
          verdict: verifyPackFile(this.keys, this.opener, req.path, req.packId),
        }));
        return;
      case 'restoreRange': {
        // The range's buffer goes back with the outcome, to be filled again (range-buffers.ts).
        const buffer = req.data?.buffer;
        let res: WorkerResponse;
        try {
          const outcome = restoreRange(this.opener, req.range, req.data);
          res = {
            kind: 'written',
            seq: req.seq,
            outcome: buffer ? { ...outcome, buffer } : outcome,
          };
        } catch (err) {
          res = { kind: 'failed', seq: req.seq, error: describe(err) };
          if (buffer) this.opener.release(buffer.byteLength);
        }
        this.send(res, res.kind === 'written' && buffer ? [buffer] : []);
        return;
      }
      default: {
        let res: WorkerResponse;
        try {
          if (req.op === 'seal') {
            res = {
              kind: 'result',
              seq: req.seq,
              ok: true,
              data: detachable(sealObject(encryptKey, new Uint8Array(req.data), req.level)),
            };
          } else {
            const plain = openObject(encryptKey, new Uint8Array(req.data), req.what);
            const id = req.verifyId ? blobId(chunkIdKey, plain) : undefined;
            res = { kind: 'result', seq: req.seq, ok: true, data: detachable(plain), id };
          }
        } catch (err) {
          res = { kind: 'result', seq: req.seq, ok: false, error: (err as Error).message };
        }
        this.send(res, res.ok ? [res.data] : []);
        this.garbage.add(req.data.byteLength);
        this.garbage.collect();
      }
    }
  }

  /**
   * Ends this lane's work, as terminating a worker would: requests not yet handled are dropped,
   * files being read stop at their next claim, and open pack files are deleted.
   */
  stop(): void {
    this.stopped = true;
    for (const claim of this.claims.values()) claim.reject(stoppedError());
    this.claims.clear();
    this.finishPacks(true);
  }

  /** Sends what `make` returns, or the error it throws as a `failed` response. */
  private answer(seq: number, make: () => WorkerResponse): void {
    let res: WorkerResponse;
    try {
      res = make();
    } catch (err) {
      res = { kind: 'failed', seq, error: describe(err) };
    }
    this.send(res);
  }

  private storeBlob(
    seq: number,
    spool: PackSpool,
    id: string,
    sealed: readonly Buffer[],
    raw: number,
  ): void {
    let pack = this.openPacks.get(spool.dir);
    if (!pack) this.openPacks.set(spool.dir, (pack = PackFile.create(spool.dir)));
    pack.add(id, 'data', sealed, raw);
    if (pack.size >= spool.packSize) {
      this.openPacks.delete(spool.dir);
      this.send({ kind: 'pack', seq, pack: pack.finish(this.keys.encryptKey) });
    }
  }

  private finishPacks(discard: boolean): FinishedPack[] {
    const packs = [...this.openPacks.values()];
    this.openPacks.clear();
    if (discard) {
      packs.forEach((p) => p.discard());
      return [];
    }
    return packs.map((p) => p.finish(this.keys.encryptKey));
  }

  private hostFor(seq: number, spool: PackSpool): FileReaderHost {
    this.gear ??= gearTable(this.keys.chunkerSeed);
    this.pool ??= new BufferPool();
    return {
      encryptKey: this.keys.encryptKey,
      chunkIdKey: this.keys.chunkIdKey,
      gear: this.gear,
      pool: this.pool,
      claim: (ids) => {
        if (this.stopped) return Promise.reject(stoppedError());
        const claim = this.nextClaim++;
        return new Promise((resolve, reject) => {
          this.claims.set(claim, { resolve, reject });
          this.send({ kind: 'claim', seq, claim, ids });
        });
      },
      storeBlob: (id, sealed, rawLength) => this.storeBlob(seq, spool, id, sealed, rawLength),
      reportBytes: (bytes) => {
        const total = (this.unreported.get(seq) ?? 0) + bytes;
        if (total < REPORT_EVERY_BYTES) this.unreported.set(seq, total);
        else this.reportRead(seq, total);
      },
      collectGarbage: (bytes) => {
        this.garbage.add(bytes);
        this.garbage.collect();
      },
    };
  }

  private reportRead(seq: number, bytes = this.unreported.get(seq) ?? 0): void {
    this.unreported.delete(seq);
    if (bytes > 0) this.send({ kind: 'bytes', seq, bytes });
  }
}

function stoppedError(): CairnError {
  return new CairnError('cancelled', 'the operation was stopped');
}

function describe(err: unknown): WorkerError {
  const e = err as NodeJS.ErrnoException;
  return {
    message: e?.message ?? String(err),
    ...(err instanceof CairnError ? { kind: err.kind } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}
