/**
 * Worker thread: reads, chunks, hashes and seals files for backup; reads, opens and writes
 * ranges of packs for restore; verifies packs for check — so both cores work while the main
 * thread walks folders, keeps the index and writes packs. Buffers move in and out by
 * transfer, never by copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gearTable } from '../chunker/fastcdc.js';
import { blobId } from '../crypto/chunk-id.js';
import { openObject, sealObject } from '../format/sealed-object.js';
import { GarbageBound } from '../util/memory.js';
import { CairnError } from '../errors.js';
import { BlobOpener } from './worker-blob-opener.js';
import { readFiles, type FileReaderHost } from './worker-file-reader.js';
import { verifyPack, verifyPackFile } from './worker-pack-verifier.js';
import { restoreRange } from './worker-restore.js';
import type { WorkerError, WorkerRequest, WorkerResponse } from './worker-messages.js';

const { encryptKey, chunkIdKey, chunkerSeed } = workerData as {
  encryptKey: Uint8Array;
  chunkIdKey: Uint8Array;
  chunkerSeed: string;
};
const port = parentPort!;
const garbage = new GarbageBound();
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

function hostFor(seq: number): FileReaderHost {
  gear ??= gearTable(chunkerSeed);
  return {
    encryptKey,
    chunkIdKey,
    gear,
    claim(ids) {
      const claim = nextClaim++;
      return new Promise((resolve) => {
        claims.set(claim, resolve);
        send({ kind: 'claim', seq, claim, ids });
      });
    },
    sendBlob(id, sealed, rawLength) {
      const data = toTransferable(sealed);
      send({ kind: 'blob', seq, id, data, rawLength }, [data]);
    },
    reportBytes(bytes) {
      send({ kind: 'bytes', seq, bytes });
    },
    collectGarbage: (bytes) => garbage.add(bytes),
  };
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
      void readFiles(hostFor(req.seq), req.files, req.chunker).then((outcomes) =>
        send({ kind: 'files', seq: req.seq, outcomes }),
      );
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
