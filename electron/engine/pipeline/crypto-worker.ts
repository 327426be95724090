/**
 * Worker thread: reads, chunks, hashes, seals and packs files for backup; reads, opens and
 * writes ranges of packs for restore; verifies packs for check — so both cores work while the
 * main thread walks folders and keeps the index. Buffers move in and out by transfer, never by
 * copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gearTable } from '../chunker/fastcdc.js';
import { blobId } from '../crypto/chunk-id.js';
import { openObject, sealObject } from '../format/sealed-object.js';
import { BufferPool } from '../util/buffer-pool.js';
import { GarbageBound } from '../util/memory.js';
import { CairnError } from '../errors.js';
import { BlobOpener } from './worker-blob-opener.js';
import { readFiles, type FileReaderHost } from './worker-file-reader.js';
import { verifyPack, verifyPackFile } from './worker-pack-verifier.js';
import { restoreRange } from './worker-restore.js';
import { PackFile, type FinishedPack } from '../repository/pack-file.js';
import type { PackSpool, WorkerError, WorkerRequest, WorkerResponse } from './worker-messages.js';

const { encryptKey, chunkIdKey, chunkerSeed } = workerData as {
  encryptKey: Uint8Array;
  chunkIdKey: Uint8Array;
  chunkerSeed: string;
};
const port = parentPort!;
const garbage = new GarbageBound();
const pool = new BufferPool();
/** Bytes read per request not yet reported: progress goes out per MiB, not per file. */
const unreported = new Map<number, number>();
const REPORT_EVERY_BYTES = 1024 * 1024;
const opener = new BlobOpener({ encryptKey, chunkIdKey });
const claims = new Map<number, (fresh: boolean[]) => void>();
let nextClaim = 0;
let gear: Int32Array | undefined;

function send(msg: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

function describe(err: unknown): WorkerError {
  const e = err as NodeJS.ErrnoException;
  return {
    message: e?.message ?? String(err),
    ...(err instanceof CairnError ? { kind: err.kind } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

function toTransferable(buf: Buffer): ArrayBuffer {
  if (
    buf.byteOffset === 0 &&
    buf.byteLength === buf.buffer.byteLength &&
    buf.byteLength !== Buffer.poolSize
  ) {
    return buf.buffer as ArrayBuffer;
  }
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy.buffer;
}

/** This worker's open pack per spool folder (one per repository in practice). */
const openPacks = new Map<string, PackFile>();

function storeBlob(
  seq: number,
  spool: PackSpool,
  id: string,
  sealed: readonly Buffer[],
  raw: number,
): void {
  let pack = openPacks.get(spool.dir);
  if (!pack) openPacks.set(spool.dir, (pack = PackFile.create(spool.dir)));
  pack.add(id, 'data', sealed, raw);
  if (pack.size >= spool.packSize) {
    openPacks.delete(spool.dir);
    send({ kind: 'pack', seq, pack: pack.finish(encryptKey) });
  }
}

function finishPacks(discard: boolean): FinishedPack[] {
  const packs = [...openPacks.values()];
  openPacks.clear();
  if (discard) {
    packs.forEach((p) => p.discard());
    return [];
  }
  return packs.map((p) => p.finish(encryptKey));
}

function hostFor(seq: number, spool: PackSpool): FileReaderHost {
  gear ??= gearTable(chunkerSeed);
  return {
    encryptKey,
    chunkIdKey,
    gear,
    pool,
    claim(ids) {
      const claim = nextClaim++;
      return new Promise((resolve) => {
        claims.set(claim, resolve);
        send({ kind: 'claim', seq, claim, ids });
      });
    },
    storeBlob: (id, sealed, rawLength) => storeBlob(seq, spool, id, sealed, rawLength),
    reportBytes(bytes) {
      const total = (unreported.get(seq) ?? 0) + bytes;
      if (total < REPORT_EVERY_BYTES) unreported.set(seq, total);
      else reportRead(seq, total);
    },
    collectGarbage: (bytes) => garbage.add(bytes),
  };
}

function reportRead(seq: number, bytes = unreported.get(seq) ?? 0): void {
  unreported.delete(seq);
  if (bytes > 0) send({ kind: 'bytes', seq, bytes });
}

port.on('message', (req: WorkerRequest) => {
  switch (req.op) {
    case 'claimed': {
      const resolve = claims.get(req.claim);
      claims.delete(req.claim);
      resolve?.(req.fresh);
      return;
    }
    case 'readFiles':
      readFiles(hostFor(req.seq, req.spool), req.files, req.chunker).then(
        (outcomes) => {
          reportRead(req.seq);
          send({ kind: 'files', seq: req.seq, outcomes });
        },
        (err: unknown) => send({ kind: 'failed', seq: req.seq, error: describe(err) }),
      );
      return;
    case 'finishPacks':
      try {
        send({ kind: 'packs', seq: req.seq, packs: finishPacks(req.discard) });
      } catch (err) {
        send({ kind: 'failed', seq: req.seq, error: describe(err) });
      }
      return;
    case 'verifyPack': {
      const pack = Buffer.from(req.data);
      const verdict = verifyPack({ encryptKey, chunkIdKey }, opener, pack, req.packId);
      send({ kind: 'verdict', seq: req.seq, verdict });
      opener.release(pack.length);
      return;
    }
    case 'verifyPackFile':
      try {
        const verdict = verifyPackFile({ encryptKey, chunkIdKey }, opener, req.path, req.packId);
        send({ kind: 'verdict', seq: req.seq, verdict });
      } catch (err) {
        send({ kind: 'failed', seq: req.seq, error: describe(err) });
      }
      return;
    case 'restoreRange':
      try {
        send({ kind: 'written', seq: req.seq, bytes: restoreRange(opener, req.range, req.data) });
      } catch (err) {
        send({ kind: 'failed', seq: req.seq, error: describe(err) });
      } finally {
        if (req.data) opener.release(req.data.byteLength);
      }
      return;
    default: {
      let res: WorkerResponse;
      try {
        if (req.op === 'seal') {
          res = {
            kind: 'result',
            seq: req.seq,
            ok: true,
            data: toTransferable(sealObject(encryptKey, new Uint8Array(req.data), req.level)),
          };
        } else {
          const plain = openObject(encryptKey, new Uint8Array(req.data), req.what);
          const id = req.verifyId ? blobId(chunkIdKey, plain) : undefined;
          res = { kind: 'result', seq: req.seq, ok: true, data: toTransferable(plain), id };
        }
      } catch (err) {
        res = { kind: 'result', seq: req.seq, ok: false, error: (err as Error).message };
      }
      send(res, res.ok ? [res.data] : []);
      garbage.add(req.data.byteLength);
    }
  }
});
