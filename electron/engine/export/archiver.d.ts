/**
 * The part of `archiver` 8 (an ES module without its own types) that export uses. Entry data
 * goes to zip-stream (zip) or tar-stream (tar) as given: `stats.size` is what lets tar stream an
 * entry instead of buffering it whole to learn its size.
 */
declare module 'archiver' {
  import type { Readable, Transform } from 'node:stream';

  export interface EntryData {
    name: string;
    type?: 'file' | 'directory' | 'symlink';
    date?: Date;
    mode?: number;
    linkname?: string;
    /** tar only (ignored by zip): owner ids in the header. */
    uid?: number;
    gid?: number;
    stats?: { size: number };
  }

  export interface ArchiverOptions {
    highWaterMark?: number;
    /** zip: DOS times in local time, as unzip and file managers read them. */
    forceLocalTime?: boolean;
    zlib?: { level?: number };
    gzip?: boolean;
    gzipOptions?: { level?: number };
  }

  export class Archiver extends Transform {
    constructor(options?: ArchiverOptions);
    append(source: Readable | Buffer | string | null, data: EntryData): this;
    finalize(): Promise<void>;
    abort(): this;
    pointer(): number;
  }

  export class ZipArchive extends Archiver {}
  export class TarArchive extends Archiver {}
}
