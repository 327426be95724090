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
 * later copy reads from the source only the folders that changed since.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Snapshot } from '../../../shared/domain.js';
import { Chunker, gearTable } from '../chunker/fastcdc.js';
import { CopyMap } from './copy-map.js';
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
  for (const s of await listSnapshots(dst)) held.set(s.original ?? s.id, s.id);
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
  for (const snap of todo) {
    throwIfCancelled(control.signal);
    meter.current = snap.short_id;
    const tree = await copier.tree(snap.tree);
    const { id: _id, short_id: _short, ...stored } = snap;
    const parent = stored.parent ? (held.get(stored.parent) ?? null) : null;
    const copy: StoredSnapshot = { ...stored, tree, parent, original: snap.original ?? snap.id };
    const saved = await commitManifest(dst, () => copy, control.confirmLock);
    held.set(copy.original!, saved.id);
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

  async tree(id: string): Promise<string> {
    const done = this.trees.get(id);
    if (done) return done;
    const tree = await this.src.loadTree(id);
    const before = await this.map.lookup(id, tree, this.dst);
    if (before !== undefined) {
      this.trees.set(id, before);
      return before;
    }
    const nodes: TreeNode[] = [];
    for (const node of tree.nodes) {
      throwIfCancelled(this.signal);
      const copy: TreeNode = { ...node };
      if (node.subtree) copy.subtree = await this.tree(node.subtree);
      if (node.content) {
        copy.content = await this.content(node.content);
        this.meter.files++;
      }
      nodes.push(copy);
    }
    const copied = await this.dst.saveTree({ nodes } satisfies Tree);
    this.trees.set(id, copied);
    this.map.add(id, copied);
    return copied;
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
