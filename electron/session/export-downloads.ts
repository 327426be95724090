/**
 * Web mode's exports as downloads. The page asks for one over the WebSocket (which only the
 * signed-in page can open) and gets a one-time address with a random ticket; the browser then
 * opens it with its cookie, and the archive streams straight from the repository into the
 * response as an ordinary job (progress, cancel). A ticket is good once, for a minute, so an
 * address that leaks (history, logs) is worth nothing. The job starts when the ticket is made
 * and waits for the browser: a download never opened ends it as cancelled when the ticket
 * expires, instead of leaving it running forever.
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { CairnError } from '../engine/errors.js';

const defaultLifetimeMs = 60_000;

export interface PendingDownload {
  jobId: string;
  filename: string;
  contentType: string;
  /**
   * Starts the job writing into `out`, which it ends when the archive is complete and destroys
   * when the job fails or is cancelled; `out` closing early (the browser cancelled the
   * download) cancels the job.
   */
  run(out: Writable): void;
}

export class ExportDownloads {
  private readonly pending = new Map<string, { download: PendingDownload; expires: number }>();

  constructor(private readonly lifetimeMs = defaultLifetimeMs) {}

  add(download: PendingDownload): string {
    const now = Date.now();
    for (const [ticket, entry] of this.pending) {
      if (entry.expires < now) this.pending.delete(ticket);
    }
    const ticket = randomBytes(24).toString('base64url');
    this.pending.set(ticket, { download, expires: now + this.lifetimeMs });
    return ticket;
  }

  /**
   * Resolves with the response stream once the browser opens the download; rejects as
   * cancelled when `signal` aborts or the ticket expires unused (the ticket then goes).
   */
  opened(ticket: string, out: Promise<Writable>, signal: AbortSignal): Promise<Writable> {
    return new Promise<Writable>((resolve, reject) => {
      const stop = (message: string) => {
        clearTimeout(timer);
        this.pending.delete(ticket);
        reject(new CairnError('cancelled', message));
      };
      const onAbort = () => stop('cancelled before the download started');
      const timer = setTimeout(
        () =>
          stop(
            `the download was not opened within ${Math.max(1, Math.round(this.lifetimeMs / 1000))} s, so the export was cancelled; export again to download it`,
          ),
        this.lifetimeMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      void out.then((stream) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(stream);
      });
    });
  }

  /** The download a ticket names, once; null for an unknown, used or expired ticket. */
  take(ticket: string): PendingDownload | null {
    const entry = this.pending.get(ticket);
    this.pending.delete(ticket);
    if (entry === undefined || entry.expires < Date.now()) return null;
    return entry.download;
  }
}

export const downloadPath = '/download/';

export function archiveName(snapshot: string, path: string | undefined, format: string): string {
  const last = (path ?? '/').split('/').filter(Boolean).pop();
  const safe = last?.replace(/[^\w.-]+/g, '_');
  return `cairn-${snapshot.slice(0, 8)}${safe ? `-${safe}` : ''}.${format}`;
}
