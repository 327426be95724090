/**
 * Keeps garbage from piling up. Backup and restore allocate a fresh buffer for every chunk
 * (reads, compression, encryption) and V8 only collects buffers it counts as "external" after
 * tens of MiB per thread; with three threads that is hundreds of MiB of garbage at the peak.
 * A full collection of these small heaps costs a few milliseconds, so asking for one after
 * every `everyBytes` of processed data bounds memory at a negligible price.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;
function collector(): (() => void) | undefined {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = () => undefined;
    }
  }
  return gc;
}

export class GarbageBound {
  private since = 0;
  constructor(private readonly everyBytes = 16 * 1024 * 1024) {}

  /** Counts processed bytes; collects garbage when enough has passed. */
  add(bytes: number): void {
    this.since += bytes;
    if (this.since >= this.everyBytes) {
      this.since = 0;
      collector()?.();
    }
  }
}
