/**
 * One way to ask V8 for a collection, for the places that keep garbage from piling up (see
 * YoungGarbage): Node's ciphers and compressors return fresh buffers, which V8 counts as
 * "external" and left alone frees only after tens of MiB per thread.
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
