/**
 * Where an archive is written: a file is written under a hidden temporary name beside it,
 * flushed to disk when the stream closes, and renamed into place once complete, so a failed or
 * cancelled export never leaves a half archive under the name asked for (an existing file of
 * that name stays as it was until then).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { CairnError, errorMessage } from '../errors.js';

export class OutputFile {
  private constructor(
    readonly file: string,
    private readonly partial: string,
    readonly stream: WriteStream,
  ) {}

  static async create(file: string): Promise<OutputFile> {
    const target = path.resolve(file);
    const existing = await fs.stat(target).catch(() => undefined);
    if (existing?.isDirectory())
      throw new CairnError('invalid-argument', `--output ${file} is a folder; name a file`);
    const partial = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(4).toString('hex')}.cairn-part`,
    );
    // `flush`: fsync before close, so the rename never publishes data still in the page cache.
    const stream = createWriteStream(partial, { flags: 'wx', flush: true });
    try {
      await once(stream, 'open');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'its folder does not exist'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EROFS'
              ? 'the file system is read-only'
              : errorMessage(err);
      throw new CairnError('failure', `cannot write ${file}: ${why}`, { cause: err });
    }
    return new OutputFile(target, partial, stream);
  }

  /** Once the stream has closed: the archive takes its name. */
  async commit(): Promise<void> {
    if (!this.stream.closed) await once(this.stream, 'close');
    await fs.rename(this.partial, this.file);
  }

  async discard(): Promise<void> {
    if (!this.stream.closed) {
      this.stream.destroy();
      await once(this.stream, 'close').catch(() => undefined);
    }
    await fs.rm(this.partial, { force: true });
  }
}
