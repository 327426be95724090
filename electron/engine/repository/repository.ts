/**
 * An open repository: the master key, the config, the index, and the ways to read and write
 * objects. Backup, restore and check are built on this; none of them touch files directly.
 */
import { createHash } from 'node:crypto';
import type { Snapshot } from '../../../shared/domain.js';
import path from 'node:path';
import { CairnError, errorMessage, isNotFound } from '../errors.js';
import { blobId } from '../crypto/chunk-id.js';
import { newMasterKey, wrapMasterKey, type MasterKey } from '../crypto/key-slot.js';
import { openJson, openObject, sealJson, sealObject } from '../format/sealed-object.js';
import {
  assertReadableConfig,
  newRepoConfig,
  type ChunkerParams,
  type RepoConfig,
} from '../format/repo-config.js';
import type { IndexFile, IndexPack } from '../format/index-file.js';
import type { BlobType, PackBlob } from '../format/pack.js';
import type { Tree } from '../format/tree.js';
import { parseTree } from '../format/tree-check.js';
import type { FileInfo, FileKind, Target } from '../targets/target.js';
import { damageReason, DamageLog, isPermanentDamage } from './damage.js';
import { describeKeySlots, unlock, type KeySlotInfo } from './key-files.js';
import { MasterIndex } from './master-index.js';
import { MetadataCache, type CachedKind } from './metadata-cache.js';
import { readPackHeader } from './pack-header-reader.js';
import { PackWriter } from './pack-writer.js';
import { TreeCache } from './tree-cache.js';
import { forEachConcurrently } from '../util/concurrency.js';

export type { KeySlotInfo };

/**
 * What may outlive one Repository object: files named by the hash of their bytes never change,
 * so a kept-open repository shares these between the Repository objects it makes.
 */
export interface RepositoryCaches {
  trees: TreeCache;
  /** Snapshot files read, by name; a forgotten one is simply no longer listed. */
  snapshots: Map<string, Snapshot>;
}

/** For one operation: a few folders' worth of trees, as the 4096-tree limit before did. */
export function newRepositoryCaches(treeBytes = 16 * 1024 * 1024): RepositoryCaches {
  return { trees: new TreeCache(treeBytes), snapshots: new Map() };
}

export class Repository {
  readonly index = new MasterIndex();
  /** Damage met and worked around while this repository was open (each file once). */
  readonly damage = new DamageLog();
  private writer: PackWriter | undefined;
  /** The local copy of a remote repository's metadata (metadata-cache.ts), if any. */
  cache: MetadataCache | undefined;

  private constructor(
    readonly target: Target,
    readonly key: MasterKey,
    readonly config: RepoConfig,
    /** The key slot the password opened. */
    readonly openedSlot: string,
    readonly caches: RepositoryCaches = newRepositoryCaches(),
  ) {}

  static async init(
    target: Target,
    password: string,
    options?: { chunker?: ChunkerParams },
  ): Promise<Repository> {
    await guard(target, () => target.create());
    const key = newMasterKey();
    const config = newRepoConfig(options?.chunker);
    const slot = await wrapMasterKey(key, password);
    await guard(target, () => target.save('keys', slot.name, slot.bytes));
    await guard(target, () => target.save('config', 'config', sealJson(key.encrypt, config)));
    return new Repository(target, key, config, slot.name);
  }

  /**
   * `caches`: in-memory caches to share (a long-lived host's); `cacheRoot`: keep a metadata
   * cache in a folder per repository there.
   */
  static async open(
    target: Target,
    password: string,
    options: { caches?: RepositoryCaches; cacheRoot?: string | undefined } = {},
  ): Promise<Repository> {
    const exists = await guard(target, () => target.exists());
    if (!exists) {
      throw new CairnError('repository-not-found', `repository not found at ${target.displayName}`);
    }
    const { key, slot } = await guard(target, () => unlock(target, password));
    const sealedConfig = await guard(target, () => target.load('config', 'config'));
    const config = openJson<RepoConfig>(key.encrypt, sealedConfig, 'repository config');
    assertReadableConfig(config, target.displayName);
    const repo = new Repository(target, key, config, slot, options.caches);
    if (options.cacheRoot && /^[0-9a-f]{64}$/.test(config.id))
      repo.cache = new MetadataCache(path.join(options.cacheRoot, config.id));
    return repo;
  }

  /**
   * Another Repository object (own index, own pack writer; own caches unless given) for a
   * repository already opened with `opened`'s password, on `target`: no key derivation. The
   * caller has checked that `opened.openedSlot` is still among the key files. It shares the
   * metadata cache (a folder named by the repository's id).
   */
  static reopen(opened: Repository, target: Target, caches?: RepositoryCaches): Repository {
    const repo = new Repository(target, opened.key, opened.config, opened.openedSlot, caches);
    repo.cache = opened.cache;
    return repo;
  }

  /** Adds a key slot for another password. */
  async addPassword(password: string): Promise<string> {
    const slot = await wrapMasterKey(this.key, password);
    await this.target.save('keys', slot.name, slot.bytes);
    return slot.name;
  }

  /** Every key file, oldest first; a damaged one says why. */
  listKeySlots(): Promise<KeySlotInfo[]> {
    return describeKeySlots(this.target, this.openedSlot);
  }

  /** Removes a key slot; refuses to remove the last one, which would lock everyone out. */
  async removeKeySlot(id: string): Promise<void> {
    const slots = await this.target.list('keys');
    if (slots.length <= 1)
      throw new CairnError('invalid-argument', 'refusing to remove the only key of the repository');
    await this.target.remove('keys', id);
  }

  /**
   * Reads every index file not yet read. A damaged one is reported (once) and the packs no
   * readable index file describes are then read from their own headers, so nothing that is
   * stored is lost from view; a pack whose header is damaged too is reported and left out, so
   * nothing is ever reused from it. A failed read (the target's fault) stops with its error.
   */
  async loadIndex(options: LoadIndexOptions = {}): Promise<void> {
    const files = options.listed ?? (await guard(this.target, () => this.target.list('index')));
    const listed = new Set(files.map((f) => f.name));
    await this.cache?.retain('index', (name) => listed.has(name));
    await forEachConcurrently(files, 8, async (f) => {
      if (this.index.files.has(f.name) || this.index.damagedFiles.has(f.name)) return;
      let file: IndexFile;
      try {
        file = await this.loadJson<IndexFile>('index', f.name);
      } catch (err) {
        if (!isPermanentDamage(err)) throw err;
        const reason = damageReason(err, fileWhat('index', f.name));
        this.index.damagedFiles.set(f.name, reason);
        this.damage.report({
          kind: 'index',
          id: f.name,
          reason,
          message: `index file ${f.name.slice(0, 12)}… is damaged; reading pack headers instead — run \`cairn repair index\``,
        });
        return;
      }
      this.index.addFile(f.name, file);
      if (options.onPack) for (const pack of file.packs) options.onPack(pack, f.name);
    });
    const damaged = this.index.damagedFiles.size > 0;
    // Only a whole index tells which cached trees are gone from the repository.
    if (!damaged) await this.cache?.retain('trees', (id) => this.index.lookup(id) !== undefined);
    if (!damaged && !options.forWriting && !this.index.hasDuplicates) return;
    // Listed after the index files: a pack they name is stored before them, so is listed here.
    const onDisk = await guard(this.target, () => this.target.list('data'));
    this.index.choosePacks(new Set(onDisk.map((p) => p.name)), options.forWriting ?? false);
    if (!damaged) return;
    const undescribed = onDisk.filter(
      (p) => !this.index.describedPacks.has(p.name) && !this.index.unreadablePacks.has(p.name),
    );
    await forEachConcurrently(undescribed, 8, async (p) => {
      let blobs: PackBlob[];
      try {
        blobs = await readPackHeader(this.target, this.key, p.name, p.size);
      } catch (err) {
        if (!isPermanentDamage(err)) throw targetError(this.target, err);
        const reason = damageReason(err, `pack ${p.name.slice(0, 12)}`);
        this.index.unreadablePacks.set(p.name, reason);
        this.damage.report({
          kind: 'pack',
          id: p.name,
          reason,
          message: `pack ${p.name.slice(0, 12)}… is damaged (${reason}) and no index file describes it; its data is left out`,
        });
        return;
      }
      this.index.addPack(p.name, blobs);
      options.onPack?.({ id: p.name, blobs });
    });
  }

  blobId(data: Uint8Array): string {
    return blobId(this.key.chunkId, data);
  }

  packWriter(): PackWriter {
    if (!this.writer) {
      this.writer = new PackWriter(this.target, this.key, this.index);
      const cache = this.cache;
      if (cache) this.writer.onIndexSaved = (id, sealed) => cache.write('index', id, sealed);
    }
    return this.writer;
  }

  /** Seals and stores a blob on this thread (trees, small files). Returns its id. */
  async saveBlob(type: BlobType, plaintext: Buffer): Promise<{ id: string; added: boolean }> {
    const id = this.blobId(plaintext);
    if (!this.index.claim(id)) return { id, added: false };
    const sealed = sealObject(this.key.encrypt, plaintext);
    await this.packWriter().add(id, type, sealed, plaintext.length);
    if (type === 'tree') await this.cache?.write('trees', id, sealed);
    return { id, added: true };
  }

  async saveTree(tree: Tree): Promise<string> {
    const { id } = await this.saveBlob('tree', Buffer.from(JSON.stringify(tree)));
    return id;
  }

  /** Reads the sealed bytes of a blob from its pack. */
  async loadSealedBlob(id: string): Promise<Buffer> {
    const loc = this.index.lookup(id);
    if (!loc) throw new CairnError('corrupt', `blob ${id.slice(0, 12)} is not in the index`);
    try {
      return await this.target.load('data', loc.pack, { offset: loc.offset, length: loc.length });
    } catch (err) {
      // The index names a pack that is gone: damage, as a flipped byte would be.
      if (isNotFound(err))
        throw new CairnError(
          'corrupt',
          `pack ${loc.pack.slice(0, 12)} holding blob ${id.slice(0, 12)} is missing`,
        );
      throw err;
    }
  }

  async loadBlob(id: string): Promise<Buffer> {
    const cache = this.index.lookup(id)?.type === 'tree' ? this.cache : undefined;
    const cached = await cache?.read('trees', id);
    if (cached) {
      try {
        return this.openBlob(id, cached);
      } catch {
        await cache!.drop('trees', id); // damaged: never trusted, read from the target instead
      }
    }
    const sealed = await this.loadSealedBlob(id);
    const plain = this.openBlob(id, sealed);
    await cache?.write('trees', id, sealed);
    return plain;
  }

  private openBlob(id: string, sealed: Buffer): Buffer {
    const plain = openObject(this.key.encrypt, sealed, `blob ${id.slice(0, 12)}`);
    if (this.blobId(plain) !== id)
      throw new CairnError('corrupt', `blob ${id.slice(0, 12)} does not match its id`);
    return plain;
  }

  async loadTree(id: string): Promise<Tree> {
    const cached = this.caches.trees.get(id);
    if (cached) return cached;
    const bytes = await this.loadBlob(id);
    const tree = parseTree(bytes, `tree ${id.slice(0, 12)}`);
    this.caches.trees.set(id, tree, bytes.length);
    return tree;
  }

  /** Stores a whole sealed JSON object (snapshots, locks); its name is the SHA-256 of its bytes. */
  async saveJson(kind: FileKind, value: unknown): Promise<string> {
    const sealed = sealJson(this.key.encrypt, value);
    const id = createHash('sha256').update(sealed).digest('hex');
    await guard(this.target, () => this.target.save(kind, id, sealed));
    const cached = cachedKind(kind);
    if (cached) await this.cache?.write(cached, id, sealed);
    return id;
  }

  /**
   * Reads a whole sealed JSON file named by its SHA-256. Damage (bytes that do not match the
   * name, fail authentication or do not parse) throws a `corrupt` error (isPermanentDamage);
   * a file gone since it was listed, `corrupt` with its ENOENT as cause (isMissing); a failed
   * read, `target-unreachable`.
   */
  async loadJson<T>(kind: FileKind, id: string): Promise<T> {
    const what = fileWhat(kind, id);
    const cached = cachedKind(kind);
    const cache = cached ? this.cache : undefined;
    const copy = await cache?.read(cached!, id);
    if (copy) {
      // Its name is its hash: bytes that match it are the repository's own.
      if (sha256(copy) === id) return openJson<T>(this.key.encrypt, copy, what);
      await cache!.drop(cached!, id);
    }
    let sealed: Buffer;
    try {
      sealed = await this.target.load(kind, id);
    } catch (err) {
      if (isNotFound(err)) throw new CairnError('corrupt', `${what} is missing`, { cause: err });
      throw targetError(this.target, err);
    }
    if (sha256(sealed) !== id) {
      throw new CairnError('corrupt', `${what} does not match its name (damaged)`);
    }
    const value = openJson<T>(this.key.encrypt, sealed, what);
    await cache?.write(cached!, id, sealed);
    return value;
  }

  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  async close(): Promise<void> {
    await this.target.close();
  }
}

/** Turns low-level I/O failures into a one-line "target unreachable" message. */
async function guard<T>(target: Target, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw targetError(target, err);
  }
}

/** A failed read or write as the one-line "target unreachable" error (CairnErrors pass as they are). */
export function targetError(target: Target, err: unknown): CairnError {
  if (err instanceof CairnError) return err;
  return new CairnError(
    'target-unreachable',
    `cannot reach repository at ${target.displayName}: ${errorMessage(err)}`,
    { cause: err },
  );
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The kinds of file the metadata cache keeps (content-addressed, read by every operation). */
function cachedKind(kind: FileKind): CachedKind | undefined {
  return kind === 'index' || kind === 'snapshots' ? kind : undefined;
}

function fileWhat(kind: FileKind, id: string): string {
  return `${kind} file ${id.slice(0, 12)}`;
}

export interface LoadIndexOptions {
  /** The index files, when the caller has just listed them. */
  listed?: FileInfo[];
  /**
   * For a backup: forget blobs whose pack is gone, so that they are stored anew rather than
   * reused (a lost pack then heals with the next backup of the same data).
   */
  forWriting?: boolean;
  /**
   * Each pack as a readable index file (named) or its own header (no name) describes it;
   * prune merges them.
   */
  onPack?: (pack: IndexPack, indexFile?: string) => void;
}
