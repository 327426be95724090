/**
 * Walks a folder and stores it as tree blobs, bottom-up. For each file it compares size, mtime
 * and inode with the same path in the parent snapshot and reuses the parent's chunk list when
 * nothing changed (unless forceFull). Unreadable or vanishing entries become warnings; the walk
 * goes on.
 */
import type { BigIntStats } from 'node:fs';
import { promises as fs } from 'node:fs';
import type { BackupWarning, NodeType } from '../../../shared/domain.js';
import type { Tree, TreeNode } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';
import { throwIfCancelled } from '../util/cancel.js';
import type { ProgressMeter } from '../util/progress-meter.js';
import type { Semaphore } from '../util/semaphore.js';
import type { ChunkStore } from './chunk-store.js';
import { readFileChunks } from './file-reader.js';
import type { IgnoreRules } from './ignore-rules.js';
import { readDirEntries } from './dir-reader.js';
import type { StatsCounter } from './stats-counter.js';

export interface WalkContext {
  repo: Repository;
  store: ChunkStore;
  gear: Int32Array;
  forceFull: boolean;
  /** Files below one chunk are read many at a time; large ones a few at a time (memory). */
  fileSlots: Semaphore;
  largeFileSlots: Semaphore;
  meter: ProgressMeter;
  stats: StatsCounter;
  warnings: BackupWarning[];
  signal: AbortSignal | undefined;
}

export function nodeType(st: BigIntStats): NodeType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'chardev';
  return 'blockdev';
}

function baseNode(name: string, st: BigIntStats): TreeNode {
  return {
    name,
    type: nodeType(st),
    mode: Number(st.mode & 0o7777n),
    mtime_ns: st.mtimeNs.toString(),
    uid: Number(st.uid),
    gid: Number(st.gid),
    inode: st.ino.toString(),
    device: st.dev.toString(),
    links: Number(st.nlink),
  };
}

function warn(ctx: WalkContext, file: string, err: unknown): void {
  const code = (err as NodeJS.ErrnoException).code;
  const message =
    code === 'ENOENT'
      ? 'vanished during backup'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : (err as Error).message;
  ctx.warnings.push({ path: file, message });
}

/** Stores one entry (any type) and returns its node, or undefined when it was skipped. */
export async function storeEntry(
  ctx: WalkContext,
  abs: string,
  name: string,
  st: BigIntStats,
  parent: TreeNode | undefined,
  rules: IgnoreRules,
): Promise<TreeNode | undefined> {
  throwIfCancelled(ctx.signal);
  const node = baseNode(name, st);
  switch (node.type) {
    case 'file':
      return (await storeFile(ctx, abs, node, st, parent)) ? node : undefined;
    case 'dir': {
      const subtree = await storeDir(
        ctx,
        abs,
        parent?.type === 'dir' ? parent.subtree : undefined,
        rules,
      );
      if (subtree === undefined) return undefined;
      node.subtree = subtree;
      return node;
    }
    case 'symlink':
      try {
        node.link_target = await fs.readlink(abs);
      } catch (err) {
        warn(ctx, abs, err);
        return undefined;
      }
      return node;
    default:
      return node;
  }
}

async function storeFile(
  ctx: WalkContext,
  abs: string,
  node: TreeNode,
  st: BigIntStats,
  parent: TreeNode | undefined,
): Promise<boolean> {
  node.size = Number(st.size);
  ctx.meter.current = abs;
  if (
    !ctx.forceFull &&
    parent?.type === 'file' &&
    parent.size === node.size &&
    parent.mtime_ns === node.mtime_ns &&
    parent.inode === node.inode &&
    parent.content?.every((id) => ctx.repo.index.has(id))
  ) {
    node.content = parent.content;
    ctx.stats.filesUnchanged++;
    ctx.stats.bytesProcessed += node.size;
    ctx.meter.files++;
    ctx.meter.bytes += node.size;
    ctx.meter.emit();
    return true;
  }
  const slots = node.size >= ctx.repo.config.chunker.min_size ? ctx.largeFileSlots : ctx.fileSlots;
  return slots.use(async () => {
    // Files queue for a slot after passing storeEntry's check; look again once one frees,
    // or a cancel would only land after every queued file was read.
    throwIfCancelled(ctx.signal);
    try {
      const result = await readFileChunks(
        abs,
        ctx.repo.config.chunker,
        ctx.gear,
        ctx.store,
        (n) => {
          ctx.meter.bytes += n;
          ctx.meter.emit();
        },
      );
      node.content = result.content;
      node.size = result.size;
      if (result.unstable)
        ctx.warnings.push({ path: abs, message: 'changed while being read; saved as read' });
    } catch (err) {
      warn(ctx, abs, err);
      return false;
    }
    if (parent?.type === 'file') ctx.stats.filesChanged++;
    else ctx.stats.filesNew++;
    ctx.stats.bytesProcessed += node.size ?? 0;
    ctx.meter.files++;
    return true;
  });
}

/** Stores a folder's tree; returns its id, or undefined when the folder could not be read. */
export async function storeDir(
  ctx: WalkContext,
  dir: string,
  parentTreeId: string | undefined,
  inherited: IgnoreRules,
): Promise<string | undefined> {
  const listing = await readDirEntries(dir, inherited, (file, err) => warn(ctx, file, err));
  if (!listing) return undefined;
  ctx.stats.dirs++;

  const parentNodes = new Map<string, TreeNode>();
  if (parentTreeId) {
    try {
      for (const n of (await ctx.repo.loadTree(parentTreeId)).nodes) parentNodes.set(n.name, n);
    } catch {
      // A damaged parent only costs a full read of this folder.
    }
  }

  const nodes: (TreeNode | undefined)[] = new Array(listing.entries.length);
  const work: Promise<void>[] = [];
  for (const [i, { name, abs, st }] of listing.entries.entries()) {
    const job = storeEntry(ctx, abs, name, st, parentNodes.get(name), listing.rules).then((n) => {
      nodes[i] = n;
    });
    // Files run concurrently (bounded by the file slots); folders one after another, so the
    // number of open folders stays proportional to depth.
    if (st.isDirectory()) await job;
    else work.push(job);
  }
  await Promise.all(work);
  const tree: Tree = { nodes: nodes.filter((n): n is TreeNode => n !== undefined) };
  return ctx.repo.saveTree(tree);
}
