/**
 * A zip or tar.gz archive (archiver) streaming into an output, one entry at a time: the next
 * entry is added only once the archive has taken in the previous one, so an export holds one
 * file's content in flight however many files there are, and the output's pace (a slow disk, a
 * pipe) holds back the reading of the repository.
 *
 * What each format keeps: tar (POSIX ustar, with pax headers for long names) keeps modes, owner
 * ids, mtimes to the second, symlinks and empty folders. zip keeps the unix mode in each entry's
 * external attributes, symlinks as unix link entries (as Info-ZIP writes them), folders, and
 * mtimes as DOS times: to 2 seconds, in local time, which is how unzip reads them back.
 */
import { ZipArchive, TarArchive, type Archiver, type EntryData } from 'archiver';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CairnError, errorMessage } from '../errors.js';

export type ArchiveFormat = 'zip' | 'tar.gz';

export class ArchiveWriter {
  private readonly archive: Archiver;
  private readonly written: Promise<void>;
  private failure: Error | undefined;
  private taken: (() => void) | undefined;
  private current: Readable | undefined;

  /** `where` names the output in messages (a file name, standard output). */
  constructor(format: ArchiveFormat, output: Writable, endOutput: boolean, where: string) {
    this.archive =
      format === 'zip' ? new ZipArchive({ forceLocalTime: true }) : new TarArchive({ gzip: true });
    this.archive.on('entry', () => this.wake());
    this.archive.on('warning', (err: Error) => this.fail(err));
    // Before the pipeline's own listener: a full disk or a closed pipe is reported as such.
    output.once('error', (err) =>
      this.fail(new CairnError('failure', `cannot write ${where}: ${errorMessage(err)}`)),
    );
    this.written = pipeline(this.archive, output, { end: endOutput });
    this.written.catch((err: unknown) => this.fail(err as Error));
  }

  /** Adds one entry and waits until the archive has taken it in. */
  async add(source: Readable | Buffer, data: EntryData): Promise<void> {
    this.throwIfFailed();
    const taken = new Promise<void>((resolve) => (this.taken = resolve));
    if (!Buffer.isBuffer(source)) {
      this.current = source;
      // archiver pipes the content along, and a pipe does not pass errors on: stop here instead.
      source.once('error', (err) => this.fail(err));
    }
    this.archive.append(source, data);
    await taken;
    this.current = undefined;
    this.throwIfFailed();
  }

  /** Writes the archive's end; resolves once the output has it all, with the archive's size. */
  async finish(): Promise<number> {
    this.throwIfFailed();
    try {
      await Promise.all([this.archive.finalize(), this.written]);
    } catch (err) {
      throw this.failure ?? err;
    }
    this.throwIfFailed();
    return this.archive.pointer();
  }

  /** Stops the archive (the first error is the one reported). */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.current?.destroy();
    this.archive.destroy(err);
    this.wake();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private wake(): void {
    const taken = this.taken;
    this.taken = undefined;
    taken?.();
  }
}
