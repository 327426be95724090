/**
 * Appends lines to a file with group commit: lines that arrive while a write is under way go
 * out together in the next one, so many records in flight cost one write call, not one each.
 * Each caller resumes only once its own line is written (it then survives the process being
 * killed; not a power cut: there is no fsync per line).
 */
import { promises as fs } from 'node:fs';

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class LineAppender {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(private readonly handle: fs.FileHandle) {}

  static async open(file: string): Promise<LineAppender> {
    return new LineAppender(await fs.open(file, 'a', 0o600));
  }

  /** Resolves once `line` (without its newline) is in the file. */
  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${line}\n`, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.handle.write(batch.map((p) => p.line).join(''));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = undefined;
  }
}
