/**
 * Worker thread: one lane of the crypto pipeline (lane.ts), so every core works while the
 * main thread walks folders and keeps the index. Buffers move in and out by transfer, never
 * by copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Lane, type LaneKeys } from './lane.js';
import type { WorkerRequest, WorkerStart } from './worker-messages.js';

const port = parentPort!;
const start = (keys: LaneKeys): Lane =>
  new Lane(keys, (msg, transfer = []) => port.postMessage(msg, transfer));
// A worker started ahead of its pool (prestartWorkers) gets its keys in its first message.
let lane = workerData ? start(workerData as LaneKeys) : undefined;
port.on('message', (req: WorkerRequest | WorkerStart) => {
  if (req.op === 'keys') lane = start(req.keys);
  else lane!.handle(req);
});
