/**
 * A repository in a local folder (an external drive included). Writes are atomic: a temp
 * file, fsync, rename into place, fsync of the folder — so a crash or power loss leaves either
 * the old state or the whole new file, never a torn one.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as fd from '../util/fd-fs.js';
import path from 'node:path';
import { CairnError, isNotFound } from '../errors.js';
import { placeFailure } from '../util/write-failure.js';
import {
  FILE_KINDS,
  type ByteRange,
  type FileInfo,
  type FileKind,
  type Leftover,
  type Target,
} from './target.js';

const TMP_SUFFIX = '.tmp';

const WHAT: Record<FileKind, string> = {
  config: 'the config',
  keys: 'a key file',
  locks: 'a lock',
  snapshots: 'a snapshot',
  index: 'an index file',
  data: 'a pack',
};

/** Made by file systems and operating systems on the top folder of a drive. */
const DRIVE_FILES = new Set([
  'lost+found',
  '.DS_Store',
  '.Spotlight-V100',
  '.Trashes',
  '.fseventsd',
  '.TemporaryItems',
  'System Volume Information',
  '$RECYCLE.BIN',
]);

export class LocalTarget implements Target {
  readonly displayName: string;
  readonly saveConcurrency = 1;
  private readonly knownDirs = new Set<string>();
  /** Open descriptors of recently read files: restore reads many small ranges of few packs. */
  private readonly openFiles = new Map<string, OpenFile>();

  constructor(private readonly root: string) {
    this.displayName = root;
  }

  localPath(kind: FileKind, name: string): string {
    return this.pathOf(kind, name);
  }

  private pathOf(kind: FileKind, name: string): string {
    if (kind === 'config') return path.join(this.root, 'config');
    if (!/^[0-9a-f]{6,128}$/.test(name)) {
      throw new CairnError('invalid-argument', `invalid ${kind} file name ${JSON.stringify(name)}`);
    }
    if (kind === 'data') return path.join(this.root, 'data', name.slice(0, 2), name);
    return path.join(this.root, kind, name);
  }

  async create(): Promise<void> {
    if (await this.exists()) {
      throw new CairnError('repository-exists', `a repository already exists at ${this.root}`);
    }
    await this.assertEmptyOrMissing();
    try {
      await fs.mkdir(this.root, { recursive: true });
      for (const kind of FILE_KINDS) {
        if (kind !== 'config') await fs.mkdir(path.join(this.root, kind), { recursive: true });
      }
    } catch (err) {
      throw new CairnError(
        'target-unreachable',
        `cannot create repository at ${this.root}: ${(err as Error).message}`,
      );
    }
  }

  /**
   * A repository gets a folder of its own: made inside a folder of documents, it would mix with
   * them (and a backup of that folder would hold the repository). What an operating system puts
   * on a fresh drive does not count.
   */
  private async assertEmptyOrMissing(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.root);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code === 'ENOTDIR')
        throw new CairnError('invalid-argument', `${this.root} is not a folder`);
      return; // Unreadable: creating the repository reports it.
    }
    if (names.some((name) => !DRIVE_FILES.has(name))) {
      throw new CairnError(
        'invalid-argument',
        `${this.root} is not empty; a repository needs an empty or new folder`,
      );
    }
  }

  async exists(): Promise<boolean> {
    try {
      await fs.access(path.join(this.root, 'config'));
      return true;
    } catch {
      return false;
    }
  }

  get spoolDir(): string {
    // Packs are written beside their fan-out folders (data/<id>.tmp), on the same file
    // system as their final place, so adopting one is a rename; list() skips them.
    return path.join(this.root, 'data');
  }

  adopt(kind: FileKind, name: string, localPath: string): Promise<void> {
    return this.writing(`writing ${WHAT[kind]}`, () => this.adoptFile(kind, name, localPath));
  }

  private async adoptFile(kind: FileKind, name: string, localPath: string): Promise<void> {
    const file = this.pathOf(kind, name);
    const dir = path.dirname(file);
    if (!this.knownDirs.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    const handle = await fd.open(localPath, 'r');
    try {
      await fd.fsync(handle);
    } finally {
      await fd.close(handle);
    }
    await fs.rename(localPath, file);
    await syncDir(dir);
  }

  async clearSpool(): Promise<void> {
    for (const name of await readdirOrEmpty(this.spoolDir)) {
      if (name.endsWith(TMP_SUFFIX))
        await this.writing('removing a spool file', () =>
          fs.rm(path.join(this.spoolDir, name), { force: true }),
        );
    }
  }

  save(kind: FileKind, name: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    // Every command that changes the repository writes a lock first, prune too: it cannot free
    // space on a disk with no room for that.
    const advice =
      kind === 'locks' ? 'free a little space: even prune needs room for its lock' : undefined;
    return this.writing(`writing ${WHAT[kind]}`, () => this.saveFile(kind, name, data), advice);
  }

  /** A full or read-only disk is said so, naming the repository. */
  private async writing<T>(doing: string, op: () => Promise<T>, advice?: string): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw placeFailure(
        err,
        { kind: 'repository', at: this.root },
        doing,
        advice ? { advice } : {},
      );
    }
  }

  private async saveFile(
    kind: FileKind,
    name: string,
    data: Uint8Array | readonly Uint8Array[],
  ): Promise<void> {
    const file = this.pathOf(kind, name);
    const dir = path.dirname(file);
    if (!this.knownDirs.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    const tmp = `${file}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`;
    const handle = await fd.open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      0o600,
    );
    try {
      await fd.writev(handle, data instanceof Uint8Array ? [data] : data);
      await fd.fsync(handle);
    } catch (err) {
      await fd.close(handle);
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await fd.close(handle);
    await fs.rename(tmp, file);
    await syncDir(dir);
  }

  async load(kind: FileKind, name: string, range?: ByteRange): Promise<Buffer> {
    const file = this.pathOf(kind, name);
    if (!range) return fs.readFile(file);
    const entry = this.openCached(file);
    entry.users++;
    try {
      const buf =
        range.into && range.into.length >= range.length
          ? range.into.subarray(0, range.length)
          : Buffer.allocUnsafe(range.length);
      const n = await fd.readFully(await entry.fd, buf, range.length, range.offset);
      return n === range.length ? buf : buf.subarray(0, n);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) closeQuietly(entry);
    }
  }

  private openCached(file: string): OpenFile {
    let entry = this.openFiles.get(file);
    if (entry) {
      // Most recently used last.
      this.openFiles.delete(file);
      this.openFiles.set(file, entry);
      return entry;
    }
    entry = { fd: fd.open(file, 'r'), users: 0, evicted: false };
    entry.fd.catch(() => this.evict(file));
    this.openFiles.set(file, entry);
    if (this.openFiles.size > 64) this.evict(this.openFiles.keys().next().value as string);
    return entry;
  }

  private evict(file: string): void {
    const entry = this.openFiles.get(file);
    if (!entry) return;
    this.openFiles.delete(file);
    entry.evicted = true;
    if (entry.users === 0) closeQuietly(entry);
  }

  async list(kind: FileKind): Promise<FileInfo[]> {
    if (kind === 'config') {
      try {
        const st = await fs.stat(this.pathOf('config', 'config'));
        return [{ name: 'config', size: st.size }];
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
    }
    const dirs =
      kind === 'data'
        ? (await readdirOrEmpty(path.join(this.root, 'data')))
            // Only the fan-out folders: a pack being written sits beside them as a .tmp file.
            .filter((d) => /^[0-9a-f]{2}$/.test(d))
            .map((d) => path.join(this.root, 'data', d))
        : [path.join(this.root, kind)];
    const out: FileInfo[] = [];
    for (const dir of dirs) {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
        if (isNotFound(err)) return [];
        throw err;
      });
      for (const e of entries) {
        if (!e.isFile() || e.name.endsWith(TMP_SUFFIX)) continue;
        try {
          const st = await fs.stat(path.join(dir, e.name));
          out.push({ name: e.name, size: st.size });
        } catch (err) {
          // Removed between readdir and stat (a lock released, a pack pruned): not there.
          if (!isNotFound(err)) throw err;
        }
      }
    }
    return out;
  }

  async remove(kind: FileKind, name: string): Promise<void> {
    const file = this.pathOf(kind, name);
    this.evict(file);
    await this.writing(`removing ${WHAT[kind]}`, () => fs.rm(file, { force: true }));
  }

  async leftovers(kind: FileKind): Promise<Leftover[]> {
    if (kind === 'config' || kind === 'data') return []; // data: the spool (clearSpool)
    const dir = path.join(this.root, kind);
    const out: Leftover[] = [];
    for (const name of await readdirOrEmpty(dir)) {
      if (!name.endsWith(TMP_SUFFIX)) continue;
      const file = path.join(dir, name);
      const st = await fs.lstat(file).catch((err: unknown) => {
        if (isNotFound(err)) return undefined; // renamed into place or removed meanwhile
        throw err;
      });
      if (!st?.isFile()) continue;
      out.push({
        name,
        modifiedMs: st.mtimeMs,
        read: () => fs.readFile(file),
        remove: () => fs.rm(file, { force: true }),
      });
    }
    return out;
  }

  async close(): Promise<void> {
    for (const file of [...this.openFiles.keys()]) this.evict(file);
  }
}

interface OpenFile {
  fd: Promise<number>;
  users: number;
  evicted: boolean;
}

function closeQuietly(entry: OpenFile): void {
  entry.fd.then((n) => fd.close(n)).catch(() => undefined);
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems (and Windows) cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
