/**
 * Worker thread: one lane of the crypto pipeline (lane.ts), so every core works while the
 * main thread walks folders and keeps the index. Buffers move in and out by transfer, never
 * by copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Lane, type LaneKeys } from './lane.js';
import type { WorkerRequest } from './worker-messages.js';

const port = parentPort!;
const lane = new Lane(workerData as LaneKeys, (msg, transfer = []) =>
  port.postMessage(msg, transfer),
);
port.on('message', (req: WorkerRequest) => lane.handle(req));
