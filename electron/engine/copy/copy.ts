/**
 * `cairn copy`: snapshots from one repository into another (F8). Blob ids are keyed per
 * repository, so every chunk is read from the source, re-identified with the destination's
 * key, and stored only when the destination lacks it; trees are rewritten with the new ids.
 * Where both repositories chunk alike (`init --copy-chunker-params-from`), each chunk keeps its
 * bounds and dedups against the destination's own backups; otherwise each file is cut anew
 * with the destination's chunker, so later backups there dedup against the copy too.
 *
 * A copy records the source snapshot's id as `original` (kept through copies of copies), and a
 * snapshot whose original the destination already holds is skipped: re-running copies nothing.
 * Which destination tree stands for which source tree is kept between runs (copy-map.ts), so a
 * later copy reads from the source only the folders that changed since; and within a changed
 * folder, a file whose chunks are those of the same file in the copied parent snapshot takes
 * that copy's chunk ids without being read.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Snapshot } from '../../../shared/domain.js';
import { Chunker, gearTable } from '../chunker/fastcdc.js';
import { CopyMap, sameEntries } from './copy-map.js';
import type { Tree, TreeNode } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';
import { forEachConcurrently } from '../util/concurrency.js';
import type { JobControl } from '../operation-types.js';
import {
  commitManifest,
  findSnapshot,
  listSnapshots,
  type StoredSnapshot,
} from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';

export interface CopyRequest {
  /** Ids, unique id prefixes or `latest`, in the source repository. */
  snapshots: string[];
}

export interface CopyResult {
  /** Each snapshot copied: its id in the source and the id of its copy. */
  copied: Array<{ source: string; copy: string }>;
  /** Snapshots the destination already held a copy of. */
  skipped: Array<{ source: string; copy: string }>;
  /** Plaintext bytes of file content read from the source. */
  bytes_read: number;
  /** What the destination gained (sealed bytes, in new packs). */
  blobs_added: number;
  bytes_added: number;
  packs_written: number;
}

/** Chunks read from the source at once (remote reads are latency-bound). */
const READ_AHEAD = 8;

export async function copySnapshots(
  src: Repository,
  dst: Repository,
  request: CopyRequest,
  control: JobControl = {},
): Promise<CopyResult> {
  const wanted: Snapshot[] = [];
  for (const ref of request.snapshots) {
    const snap = await findSnapshot(src, ref);
    if (!wanted.some((s) => s.id === snap.id)) wanted.push(snap);
  }
  wanted.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));

  // Destination snapshot by the source snapshot it stands for.
  const held = new Map<string, string>();
  const treeOf = new Map<string, string>(); // a snapshot (of either repository) → its tree
  for (const s of await listSnapshots(dst)) {
    held.set(s.original ?? s.id, s.id);
    treeOf.set(s.id, s.tree);
  }
  const result: CopyResult = {
    copied: [],
    skipped: [],
    bytes_read: 0,
    blobs_added: 0,
    bytes_added: 0,
    packs_written: 0,
  };
  const todo: Snapshot[] = [];
  for (const snap of wanted) {
    const existing = held.get(snap.original ?? snap.id);
    if (existing) result.skipped.push({ source: snap.id, copy: existing });
    else todo.push(snap);
  }
  if (todo.length === 0) return result;

  await src.loadIndex();
  await dst.loadIndex({ forWriting: true });
  const meter = new ProgressMeter('copy', control.onProgress, control.progressIntervalMs);
  const copier = new TreeCopier(src, dst, await CopyMap.load(src, dst), meter, control.signal);
  for (const s of await listSnapshots(src)) treeOf.set(s.id, s.tree);
  for (const snap of todo) {
    throwIfCancelled(control.signal);
    meter.current = snap.short_id;
    // The parent's copy, when there is one, tells which files are as they were.
    const parentSrc = snap.parent ? treeOf.get(snap.parent) : undefined;
    const parentDst = treeOf.get((snap.parent && held.get(snap.parent)) ?? '');
    const tree = await copier.tree(
      snap.tree,
      parentSrc && parentDst ? { src: parentSrc, dst: parentDst } : undefined,
    );
    const { id: _id, short_id: _short, ...stored } = snap;
    const parent = stored.parent ? (held.get(stored.parent) ?? null) : null;
    const copy: StoredSnapshot = { ...stored, tree, parent, original: snap.original ?? snap.id };
    const saved = await commitManifest(dst, () => copy, control.confirmLock);
    held.set(copy.original!, saved.id);
    treeOf.set(saved.id, tree);
    result.copied.push({ source: snap.id, copy: saved.id });
    await copier.map.save();
  }
  result.bytes_read = copier.bytesRead;
  const stats = dst.packWriter().stats;
  result.blobs_added = stats.blobs;
  result.bytes_added = stats.bytes;
  result.packs_written = stats.packs;
  meter.emit(true);
  return result;
}

/** A folder as it was in an earlier snapshot of the source, and its copy in the destination. */
interface CopiedBefore {
  src: string;
  dst: string;
}

/** Each entry of a folder copied before: as it was in the source, and as copied. */
type EntriesBefore = Map<string, { src: TreeNode; dst: TreeNode }>;

class TreeCopier {
  /** Source tree id → destination tree id, for trees snapshots share. */
  private readonly trees = new Map<string, string>();
  /** Source chunk id → destination chunk id (same chunking only). */
  private readonly chunks = new Map<string, string>();
  private readonly sameChunking: boolean;
  private readonly gear: Int32Array;
  bytesRead = 0;

  constructor(
    private readonly src: Repository,
    private readonly dst: Repository,
    readonly map: CopyMap,
    private readonly meter: ProgressMeter,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.sameChunking = isDeepStrictEqual(src.config.chunker, dst.config.chunker);
    this.gear = gearTable(dst.config.chunker.seed);
  }

  /** Copies a tree; `before` is this folder in an earlier snapshot that was copied, if known. */
  async tree(id: string, before?: CopiedBefore): Promise<string> {
    const done = this.trees.get(id);
    if (done) return done;
    const tree = await this.src.loadTree(id);
    const known = await this.map.lookup(id, tree, this.dst);
    if (known !== undefined) {
      this.trees.set(id, known);
      return known;
    }
    const previous = await this.entriesBefore(before);
    const nodes: TreeNode[] = [];
    for (const node of tree.nodes) {
      throwIfCancelled(this.signal);
      const copy: TreeNode = { ...node };
      const was = previous.get(node.name);
      if (node.subtree) {
        const sub = was?.src.subtree && was.dst.subtree;
        copy.subtree = await this.tree(
          node.subtree,
          sub ? { src: was.src.subtree!, dst: was.dst.subtree! } : undefined,
        );
      }
      if (node.content) {
        copy.content = this.unchanged(node, was) ?? (await this.content(node.content));
        this.meter.files++;
      }
      nodes.push(copy);
    }
    const copied = await this.dst.saveTree({ nodes } satisfies Tree);
    this.trees.set(id, copied);
    this.map.add(id, copied);
    return copied;
  }

  /** The folder's entries before, each with its copy; empty when they cannot be trusted. */
  private async entriesBefore(before: CopiedBefore | undefined): Promise<EntriesBefore> {
    const entries: EntriesBefore = new Map();
    if (!before || !this.dst.index.has(before.dst)) return entries;
    try {
      const [src, dst] = [await this.src.loadTree(before.src), await this.dst.loadTree(before.dst)];
      if (!sameEntries(src, dst)) return entries;
      src.nodes.forEach((node, i) => entries.set(node.name, { src: node, dst: dst.nodes[i]! }));
    } catch {
      // Unreadable: the folder's files are read instead.
    }
    return entries;
  }

  /** The destination's chunks of a file whose chunks are what they were when last copied. */
  private unchanged(
    node: TreeNode,
    was: { src: TreeNode; dst: TreeNode } | undefined,
  ): string[] | undefined {
    const copied = was?.dst.content;
    if (!copied || !isDeepStrictEqual(was.src.content, node.content)) return undefined;
    return copied.every((id) => this.dst.index.has(id)) ? copied : undefined;
  }

  private content(ids: readonly string[]): Promise<string[]> {
    return this.sameChunking ? this.rekey(ids) : this.rechunk(ids);
  }

  /** Same bounds, the destination's ids. */
  private async rekey(ids: readonly string[]): Promise<string[]> {
    const out = new Array<string>(ids.length);
    await forEachConcurrently([...ids.keys()], READ_AHEAD, async (i) => {
      throwIfCancelled(this.signal);
      const id = ids[i]!;
      let copied = this.chunks.get(id);
      if (!copied) {
        const plain = await this.src.loadBlob(id);
        this.bytesRead += plain.length;
        copied = (await this.dst.saveBlob('data', plain)).id;
        this.chunks.set(id, copied);
        this.meter.bytes += plain.length;
        this.meter.emit();
      }
      out[i] = copied;
    });
    return out;
  }

  /** The file's bytes cut anew by the destination's chunker. */
  private async rechunk(ids: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    const cut: Buffer[] = [];
    const chunker = new Chunker(this.dst.config.chunker, (chunk) => cut.push(chunk), this.gear);
    const store = async (): Promise<void> => {
      for (const chunk of cut.splice(0)) out.push((await this.dst.saveBlob('data', chunk)).id);
    };
    for (let at = 0; at < ids.length; at += READ_AHEAD) {
      throwIfCancelled(this.signal);
      const batch = ids.slice(at, at + READ_AHEAD);
      const plains = await Promise.all(batch.map((id) => this.src.loadBlob(id)));
      for (const plain of plains) this.bytesRead += plain.length;
      for (const plain of plains) {
        chunker.push(plain);
        this.meter.bytes += plain.length;
        await store();
      }
      this.meter.emit();
    }
    chunker.finish();
    await store();
    return out;
  }
}
