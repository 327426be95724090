/**
 * Worker thread that compresses + seals blobs for backup, and opens + decompresses them for
 * restore and check, so both cores work while the main thread reads, chunks and writes.
 * Buffers move in and out by transfer, never by copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openObject, sealObject } from '../format/sealed-object.js';
import { blobId } from '../crypto/chunk-id.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';
import { GarbageBound } from '../util/memory.js';

const { encryptKey, chunkIdKey } = workerData as { encryptKey: Uint8Array; chunkIdKey: Uint8Array };
const port = parentPort!;
const garbage = new GarbageBound();

function toTransferable(buf: Buffer): ArrayBuffer {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength)
    return buf.buffer as ArrayBuffer;
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy.buffer;
}

port.on('message', (req: WorkerRequest) => {
  let res: WorkerResponse;
  try {
    if (req.op === 'seal') {
      const sealed = toTransferable(sealObject(encryptKey, new Uint8Array(req.data), req.level));
      res = { seq: req.seq, ok: true, data: sealed };
    } else {
      const plain = openObject(encryptKey, new Uint8Array(req.data), req.what);
      const id = req.verifyId ? blobId(chunkIdKey, plain) : undefined;
      res = { seq: req.seq, ok: true, data: toTransferable(plain), id };
    }
  } catch (err) {
    res = { seq: req.seq, ok: false, error: (err as Error).message };
  }
  port.postMessage(res, res.ok ? [res.data] : []);
  garbage.add(req.data.byteLength);
});
