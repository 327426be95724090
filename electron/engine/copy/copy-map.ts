/**
 * Which destination tree stands for a source tree, kept between runs of `cairn copy` from one
 * repository to another, in CAIRN_HOME/cache/copies/<source id>-<destination id>. Blob ids
 * are keyed per repository, so without it every later copy read every chunk of each new
 * snapshot from the source again, only to learn its id in the destination, though few files
 * had changed since the last copy.
 *
 * Entries are written only once the snapshot that needed them is saved (its packs and index
 * stored). Nothing here is trusted: an entry is used only while the destination's index holds
 * that tree and the tree lists the same entries (names, types, sizes, times) as the source's;
 * any failure to read or write the file is the same as an empty map.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Tree } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';
import { cairnHome } from '../util/paths.js';

const ID = /^[0-9a-f]{64}$/;
const LINE = /^([0-9a-f]{64}) ([0-9a-f]{64})$/;

export class CopyMap {
  private readonly known = new Map<string, string>();
  private readonly unsaved = new Map<string, string>();

  private constructor(private readonly file: string | undefined) {}

  static async load(src: Repository, dst: Repository): Promise<CopyMap> {
    if (!ID.test(src.config.id) || !ID.test(dst.config.id)) return new CopyMap(undefined);
    const file = path.join(cairnHome(), 'cache', 'copies', `${src.config.id}-${dst.config.id}`);
    const map = new CopyMap(file);
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const m = LINE.exec(line);
      if (m) map.known.set(m[1]!, m[2]!);
    }
    return map;
  }

  /** The destination tree copied from `srcId` before, if it is still there and still fits. */
  async lookup(srcId: string, srcTree: Tree, dst: Repository): Promise<string | undefined> {
    const dstId = this.known.get(srcId);
    if (dstId === undefined || !dst.index.has(dstId)) return undefined;
    try {
      return sameEntries(srcTree, await dst.loadTree(dstId)) ? dstId : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remembers a tree copied in this run; save() writes it once its snapshot is saved. */
  add(srcId: string, dstId: string): void {
    if (this.known.get(srcId) === dstId) return;
    this.known.set(srcId, dstId);
    this.unsaved.set(srcId, dstId);
  }

  async save(): Promise<void> {
    if (!this.file || this.unsaved.size === 0) return;
    const lines = [...this.unsaved].map(([s, d]) => `${s} ${d}\n`).join('');
    this.unsaved.clear();
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await fs.appendFile(this.file, lines, { mode: 0o600 });
    } catch {
      // Only an optimisation: the next copy reads those chunks again.
    }
  }
}

/** The same entries in the same order; only the ids they point at differ between repositories. */
export function sameEntries(a: Tree, b: Tree): boolean {
  return (
    a.nodes.length === b.nodes.length &&
    a.nodes.every((n, i) => {
      const m = b.nodes[i]!;
      return (
        n.name === m.name &&
        n.type === m.type &&
        n.size === m.size &&
        n.mtime_ns === m.mtime_ns &&
        n.link_target === m.link_target &&
        (n.subtree === undefined) === (m.subtree === undefined) &&
        (n.content === undefined) === (m.content === undefined)
      );
    })
  );
}
