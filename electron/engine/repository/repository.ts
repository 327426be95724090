/**
 * An open repository: the master key, the config, the index, and the ways to read and write
 * objects. Backup, restore and check are built on this; none of them touch files directly.
 */
import { createHash } from 'node:crypto';
import { CairnError, errorMessage, isNotFound } from '../errors.js';
import { blobId } from '../crypto/chunk-id.js';
import {
  newMasterKey,
  unwrapMasterKey,
  wrapMasterKey,
  type MasterKey,
} from '../crypto/key-slot.js';
import { openJson, openObject, sealJson, sealObject } from '../format/sealed-object.js';
import {
  assertReadableConfig,
  newRepoConfig,
  type ChunkerParams,
  type RepoConfig,
} from '../format/repo-config.js';
import type { IndexFile } from '../format/index-file.js';
import type { BlobType } from '../format/pack.js';
import type { Tree } from '../format/tree.js';
import { parseTree } from '../format/tree-check.js';
import type { FileKind, Target } from '../targets/target.js';
import { MasterIndex } from './master-index.js';
import { PackWriter } from './pack-writer.js';

const MAX_KEY_SLOTS_TRIED = 32;

export interface KeySlotInfo {
  id: string;
  created: string;
  hostname: string;
  username: string;
  /** Opened by the password in use. */
  current: boolean;
}

export class Repository {
  readonly index = new MasterIndex();
  private writer: PackWriter | undefined;
  private readonly treeCache = new Map<string, Tree>();

  private constructor(
    readonly target: Target,
    readonly key: MasterKey,
    readonly config: RepoConfig,
    /** The key slot the password opened. */
    readonly openedSlot: string,
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

  static async open(target: Target, password: string): Promise<Repository> {
    const exists = await guard(target, () => target.exists());
    if (!exists) {
      throw new CairnError('repository-not-found', `repository not found at ${target.displayName}`);
    }
    const slots = await guard(target, () => target.list('keys'));
    let key: MasterKey | undefined;
    let opened = '';
    for (const slot of slots.slice(0, MAX_KEY_SLOTS_TRIED)) {
      const bytes = await guard(target, () => target.load('keys', slot.name));
      key = await unwrapMasterKey(bytes, password, slot.name);
      if (key) {
        opened = slot.name;
        break;
      }
    }
    if (!key) {
      throw new CairnError(
        'wrong-password',
        `wrong password for repository at ${target.displayName}`,
      );
    }
    const sealedConfig = await guard(target, () => target.load('config', 'config'));
    const config = openJson<RepoConfig>(key.encrypt, sealedConfig, 'repository config');
    assertReadableConfig(config, target.displayName);
    return new Repository(target, key, config, opened);
  }

  /** Adds a key slot for another password. */
  async addPassword(password: string): Promise<string> {
    const slot = await wrapMasterKey(this.key, password);
    await this.target.save('keys', slot.name, slot.bytes);
    return slot.name;
  }

  async listKeySlots(): Promise<KeySlotInfo[]> {
    const out: KeySlotInfo[] = [];
    for (const f of await this.target.list('keys')) {
      const slot = JSON.parse((await this.target.load('keys', f.name)).toString('utf8')) as Omit<
        KeySlotInfo,
        'id' | 'current'
      >;
      out.push({
        id: f.name,
        created: slot.created,
        hostname: slot.hostname,
        username: slot.username,
        current: f.name === this.openedSlot,
      });
    }
    return out.sort((a, b) => (a.created < b.created ? -1 : 1));
  }

  /** Removes a key slot; refuses to remove the last one, which would lock everyone out. */
  async removeKeySlot(id: string): Promise<void> {
    const slots = await this.target.list('keys');
    if (slots.length <= 1)
      throw new CairnError('invalid-argument', 'refusing to remove the only key of the repository');
    await this.target.remove('keys', id);
  }

  async loadIndex(): Promise<void> {
    const files = await guard(this.target, () => this.target.list('index'));
    await mapLimit(files, 8, async (f) => {
      if (this.index.files.has(f.name)) return;
      const sealed = await this.target.load('index', f.name);
      this.index.addFile(
        f.name,
        openJson<IndexFile>(this.key.encrypt, sealed, `index ${f.name.slice(0, 12)}`),
      );
    });
  }

  blobId(data: Uint8Array): string {
    return blobId(this.key.chunkId, data);
  }

  packWriter(): PackWriter {
    this.writer ??= new PackWriter(this.target, this.key, this.index);
    return this.writer;
  }

  /** Seals and stores a blob on this thread (trees, small files). Returns its id. */
  async saveBlob(type: BlobType, plaintext: Buffer): Promise<{ id: string; added: boolean }> {
    const id = this.blobId(plaintext);
    if (!this.index.claim(id)) return { id, added: false };
    await this.packWriter().add(
      id,
      type,
      sealObject(this.key.encrypt, plaintext),
      plaintext.length,
    );
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
    const plain = openObject(
      this.key.encrypt,
      await this.loadSealedBlob(id),
      `blob ${id.slice(0, 12)}`,
    );
    if (this.blobId(plain) !== id)
      throw new CairnError('corrupt', `blob ${id.slice(0, 12)} does not match its id`);
    return plain;
  }

  async loadTree(id: string): Promise<Tree> {
    const cached = this.treeCache.get(id);
    if (cached) return cached;
    const tree = parseTree(await this.loadBlob(id), `tree ${id.slice(0, 12)}`);
    if (this.treeCache.size > 4096) this.treeCache.clear();
    this.treeCache.set(id, tree);
    return tree;
  }

  /** Stores a whole sealed JSON object (snapshots, locks); its name is the SHA-256 of its bytes. */
  async saveJson(kind: FileKind, value: unknown): Promise<string> {
    const sealed = sealJson(this.key.encrypt, value);
    const id = createHash('sha256').update(sealed).digest('hex');
    await guard(this.target, () => this.target.save(kind, id, sealed));
    return id;
  }

  async loadJson<T>(kind: FileKind, id: string): Promise<T> {
    let sealed: Buffer;
    try {
      sealed = await this.target.load(kind, id);
    } catch (err) {
      if (isNotFound(err))
        throw new CairnError('corrupt', `${kind} file ${id.slice(0, 12)} is missing`);
      throw err;
    }
    if (createHash('sha256').update(sealed).digest('hex') !== id) {
      throw new CairnError(
        'corrupt',
        `${kind} file ${id.slice(0, 12)} does not match its name (damaged)`,
      );
    }
    return openJson<T>(this.key.encrypt, sealed, `${kind} file ${id.slice(0, 12)}`);
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
    if (err instanceof CairnError) throw err;
    throw new CairnError(
      'target-unreachable',
      `cannot reach repository at ${target.displayName}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
}

export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
