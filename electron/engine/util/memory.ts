/**
 * Keeps garbage from piling up. Backup and restore allocate fresh buffers for chunks
 * (compression, encryption, transfers between threads) and V8 only collects buffers it counts
 * as "external" after tens of MiB per thread; with three threads that is hundreds of MiB of
 * garbage at the peak. Such buffers die young, and a young-generation collection frees them
 * in well under a millisecond (a full one costs a few), so a minor collection runs after every
 * `everyBytes` of processed data and a full one, for whatever lived longer, every fourth time.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = (options?: { type: 'minor' }) => void;

let gc: Collect | undefined;

/**
 * Asks V8 for a young-generation or a full collection (a no-op where gc cannot be exposed).
 * A full one is gc() without options: Node 20's V8 ignores { type: 'major' }.
 */
export function collectGarbage(kind: 'minor' | 'full'): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as Collect;
    } catch {
      gc = () => undefined;
    }
  }
  gc(kind === 'minor' ? { type: 'minor' } : undefined);
}

const FULL_EVERY = 4;

export class GarbageBound {
  private since = 0;
  private minors = 0;
  constructor(private readonly everyBytes = 4 * 1024 * 1024) {}

  /** Counts processed bytes; collects garbage when enough has passed. */
  add(bytes: number): void {
    this.since += bytes;
    if (this.since < this.everyBytes) return;
    this.since = 0;
    this.minors = (this.minors + 1) % FULL_EVERY;
    collectGarbage(this.minors === 0 ? 'full' : 'minor');
  }
}
