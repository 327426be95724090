/**
 * Turns counters into throttled JobProgress events with a smoothed rate and an ETA.
 */
import type { JobPhase, JobProgress } from '../../../shared/domain.js';

export class ProgressMeter {
  files = 0;
  bytes = 0;
  filesTotal: number | null = null;
  bytesTotal: number | null = null;
  current: string | null = null;
  private rate = 0;
  private lastAt = 0;
  private lastBytes = 0;
  private readonly started = Date.now();

  constructor(
    private phase: JobPhase,
    private readonly sink?: (p: JobProgress) => void,
    private readonly intervalMs = 250,
  ) {}

  setPhase(phase: JobPhase): void {
    this.phase = phase;
    this.emit(true);
  }

  /** Emits at most every intervalMs unless forced. */
  emit(force = false): void {
    if (!this.sink) return;
    const now = Date.now();
    if (!force && now - this.lastAt < this.intervalMs) return;
    const dt = (now - (this.lastAt || this.started)) / 1000;
    if (dt > 0) {
      const instant = (this.bytes - this.lastBytes) / dt;
      this.rate = this.lastAt === 0 ? instant : this.rate * 0.7 + instant * 0.3;
    }
    this.lastAt = now;
    this.lastBytes = this.bytes;
    const left = this.bytesTotal === null ? null : Math.max(0, this.bytesTotal - this.bytes);
    this.sink({
      phase: this.phase,
      files_done: this.files,
      files_total: this.filesTotal,
      bytes_done: this.bytes,
      bytes_total: this.bytesTotal,
      rate: Math.round(this.rate),
      eta_s: left === null || this.rate <= 0 ? null : Math.round(left / this.rate),
      current: this.current,
    });
  }
}
