/**
 * Frees short-lived buffers early. Node's crypto returns a fresh buffer for every decryption,
 * and V8 left to itself frees them only after tens of MiB per thread. A young-generation
 * collection (a scavenge) frees every buffer that died young for a fraction of a millisecond,
 * so asking for one every few hundred KiB keeps memory flat for almost nothing — a full collection at
 * the same rhythm costs many times more.
 *
 * A buffer that lived through two scavenges has moved to the old generation, which only a full
 * collection frees; callers report such buffers (large one-off ones) apart, and a full
 * collection follows only after many MiB of them.
 */
import { collectGarbage } from './memory.js';

export class YoungGarbage {
  private young = 0;
  private old = 0;

  constructor(
    private readonly youngBytes = 512 * 1024,
    private readonly oldBytes = 32 * 1024 * 1024,
  ) {}

  /** Counts bytes of buffers just dropped, which died young. */
  add(bytes: number): void {
    this.young += bytes;
  }

  /** Counts bytes of dropped buffers that may have lived through scavenges. */
  addOld(bytes: number): void {
    this.old += bytes;
  }

  /** Collects what was counted, when enough has piled up. Call where little is alive. */
  collect(): void {
    if (this.old >= this.oldBytes) {
      this.old = this.young = 0;
      collectGarbage('full');
    } else if (this.young >= this.youngBytes) {
      this.young = 0;
      collectGarbage('minor');
    }
  }
}
