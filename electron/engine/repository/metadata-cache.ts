/**
 * A local copy of a remote repository's metadata under CAIRN_HOME/cache/<repository id>/, so
 * an unchanged re-backup, a listing or a restore downloads almost nothing: index files and
 * snapshot files (whole, by name) and tree blobs (by blob id). Entries are the sealed bytes as
 * stored, so the cache holds nothing readable without the password.
 *
 * Nothing here is trusted: the repository verifies every entry it reads (a file's SHA-256 is
 * its name; a tree blob must open with the key and match its keyed id) and on a mismatch drops
 * it and reads the target instead. Names are content addresses, so an entry never goes stale;
 * entries whose file or blob is gone from the repository are dropped when a listing shows it.
 * The cache is an optimisation only: any failure to read or write it is the same as a miss.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Target } from '../targets/target.js';
import { cairnHome } from '../util/paths.js';

/**
 * Where a repository on `target` keeps its metadata cache: remote repositories only (a local
 * one is as quick to read as a cache would be).
 */
export function metadataCacheRoot(target: Target): string | undefined {
  return target.localPath ? undefined : path.join(cairnHome(), 'cache');
}

export type CachedKind = 'index' | 'snapshots' | 'trees';

const NAME = /^[0-9a-f]{64}$/;

export class MetadataCache {
  constructor(readonly dir: string) {}

  /**
   * Read at once rather than through libuv's pool: entries are small and in the page cache, and
   * a restore or re-backup reads one per folder — as four pool round trips each (open, stat,
   * read, close), those cost more than the read itself.
   */
  read(kind: CachedKind, name: string): Promise<Buffer | undefined> {
    if (!NAME.test(name)) return Promise.resolve(undefined);
    try {
      return Promise.resolve(readFileSync(path.join(this.dir, kind, name)));
    } catch {
      return Promise.resolve(undefined);
    }
  }

  /** Stores an entry (temporary file, then rename: a reader never sees part of one). */
  async write(kind: CachedKind, name: string, data: Uint8Array): Promise<void> {
    if (!NAME.test(name)) return;
    const folder = path.join(this.dir, kind);
    const temp = path.join(folder, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(temp, data);
      await fs.rename(temp, path.join(folder, name));
    } catch {
      await fs.rm(temp, { force: true }).catch(() => undefined);
    }
  }

  async drop(kind: CachedKind, name: string): Promise<void> {
    if (NAME.test(name))
      await fs.rm(path.join(this.dir, kind, name), { force: true }).catch(() => undefined);
  }

  /** Drops every entry of `kind` that `keep` rejects (gone from the repository). */
  async retain(kind: CachedKind, keep: (name: string) => boolean): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(path.join(this.dir, kind));
    } catch {
      return;
    }
    for (const name of names) if (NAME.test(name) && !keep(name)) await this.drop(kind, name);
  }
}
