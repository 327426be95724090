/**
 * Walks a folder and stores it as tree blobs, bottom-up. For each file it compares size, mtime,
 * ctime and inode with the same path in the parent snapshot and reuses the parent's chunk list when
 * nothing changed (unless forceFull); the other files go to the workers through the file
 * store. Unreadable or vanishing entries become warnings; the walk goes on.
 */
import type { BigIntStats } from 'node:fs';
import { promises as fs } from 'node:fs';
import type { BackupWarning, NodeType } from '../../../shared/domain.js';
import type { Tree, TreeNode } from '../format/tree.js';
import type { FileOutcome } from '../pipeline/worker-messages.js';
import { type Repository } from '../repository/repository.js';
import { forEachConcurrently } from '../util/concurrency.js';
import { throwIfCancelled } from '../util/cancel.js';
import type { ProgressMeter } from '../util/progress-meter.js';
import { fsPath, shownPath, storedName } from '../format/raw-name.js';
import { readDirEntries, type DirEntry } from './dir-reader.js';
import type { FileStore, FileToRead } from './file-store.js';
import type { IgnoreRules } from './ignore-rules.js';
import type { StatsCounter } from './stats-counter.js';

const SUBDIRS_AT_ONCE = 2;

export interface WalkContext {
  repo: Repository;
  files: FileStore;
  forceFull: boolean;
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

function baseNode(name: string, raw: string | undefined, st: BigIntStats): TreeNode {
  return {
    name,
    ...(raw === undefined ? {} : { name_raw: raw }),
    type: nodeType(st),
    mode: Number(st.mode & 0o7777n),
    mtime_ns: st.mtimeNs.toString(),
    ctime_ns: st.ctimeNs.toString(),
    uid: Number(st.uid),
    gid: Number(st.gid),
    inode: st.ino.toString(),
    device: st.dev.toString(),
    links: Number(st.nlink),
  };
}

function describeError(code: string | undefined, fallback: string): string {
  if (code === 'ENOENT') return 'vanished during backup';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return fallback;
}

function warn(ctx: WalkContext, file: string, err: unknown): void {
  const e = err as NodeJS.ErrnoException;
  ctx.warnings.push({ path: shownPath(file), message: describeError(e.code, e.message) });
}

/** Reuses the parent's chunks for a file that has not changed; false when it must be read. */
function reuseUnchanged(ctx: WalkContext, node: TreeNode, parent: TreeNode | undefined): boolean {
  if (
    ctx.forceFull ||
    parent?.type !== 'file' ||
    parent.size !== node.size ||
    parent.mtime_ns !== node.mtime_ns ||
    // Tools that keep a file's date (taggers, `touch -d`, rsync -t) can put mtime back after
    // changing it; only the kernel sets ctime. Trees from before ctime was stored skip this.
    (parent.ctime_ns !== undefined && parent.ctime_ns !== node.ctime_ns) ||
    parent.inode !== node.inode ||
    !parent.content?.every((id) => ctx.repo.index.has(id))
  ) {
    return false;
  }
  node.content = parent.content;
  ctx.stats.filesUnchanged++;
  ctx.stats.bytesProcessed += node.size ?? 0;
  ctx.meter.files++;
  ctx.meter.bytes += node.size ?? 0;
  ctx.meter.emit();
  return true;
}

/** Fills a file node from what a worker read; false (after a warning) when it could not be read. */
function applyOutcome(
  ctx: WalkContext,
  abs: string,
  node: TreeNode,
  parent: TreeNode | undefined,
  outcome: FileOutcome,
): boolean {
  if (!outcome.ok) {
    ctx.warnings.push({
      path: shownPath(abs),
      message: describeError(outcome.code, outcome.message),
    });
    return false;
  }
  node.content = outcome.content;
  node.size = outcome.size;
  if (outcome.unstable)
    ctx.warnings.push({ path: shownPath(abs), message: 'changed while being read; saved as read' });
  if (parent?.type === 'file') ctx.stats.filesChanged++;
  else ctx.stats.filesNew++;
  ctx.stats.bytesProcessed += outcome.size;
  ctx.stats.bytesRead += outcome.size;
  ctx.meter.files++;
  return true;
}

/** What the reader needs to read the file that was scanned, and that one only. */
function fileToRead(abs: string, node: TreeNode): FileToRead {
  return { path: abs, size: node.size ?? 0, device: node.device!, inode: node.inode! };
}

/** An entry to store; a path the user named is followed when it is a symlink (backup.ts). */
export type WalkEntry = DirEntry & { followLink?: boolean };

/** Stores one entry (any type) and returns its node, or undefined when it was skipped. */
export async function storeEntry(
  ctx: WalkContext,
  entry: WalkEntry,
  parent: TreeNode | undefined,
  rules: IgnoreRules,
): Promise<TreeNode | undefined> {
  throwIfCancelled(ctx.signal);
  const { abs, st } = entry;
  const node = baseNode(entry.name, entry.raw, st);
  switch (node.type) {
    case 'file': {
      node.size = Number(st.size);
      if (reuseUnchanged(ctx, node, parent)) return node;
      const [outcome] = await ctx.files.readAll([
        { ...fileToRead(abs, node), ...(entry.followLink ? { followLink: true } : {}) },
      ]);
      return applyOutcome(ctx, abs, node, parent, outcome!) ? node : undefined;
    }
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
        const target = storedName(await fs.readlink(fsPath(abs), { encoding: 'buffer' }));
        node.link_target = target.text;
        if (target.raw !== undefined) node.link_target_raw = target.raw;
      } catch (err) {
        warn(ctx, abs, err);
        return undefined;
      }
      return node;
    default:
      return node;
  }
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
  // Files that must be read go to the workers first; sub-folders are walked meanwhile.
  const toRead: { i: number; abs: string; node: TreeNode; parent: TreeNode | undefined }[] = [];
  const subdirs: number[] = [];
  for (const [i, entry] of listing.entries.entries()) {
    const { name, abs, st } = entry;
    if (st.isDirectory()) {
      subdirs.push(i);
    } else if (st.isFile()) {
      const node = baseNode(name, entry.raw, st);
      node.size = Number(st.size);
      const parent = parentNodes.get(name);
      if (reuseUnchanged(ctx, node, parent)) nodes[i] = node;
      else toRead.push({ i, abs, node, parent });
    } else {
      nodes[i] = await storeEntry(ctx, entry, parentNodes.get(name), listing.rules);
    }
  }
  throwIfCancelled(ctx.signal);
  const reading = ctx.files.readAll(toRead.map((f) => fileToRead(f.abs, f.node)));
  // Keep a failed read from going unobserved while the sub-folders are walked.
  reading.catch(() => undefined);
  // Two sub-folders at a time: folders of small files one after another would hand the
  // workers one small batch at a time and leave a core idle while each goes to and fro.
  await forEachConcurrently(subdirs, SUBDIRS_AT_ONCE, async (i) => {
    const entry = listing.entries[i]!;
    nodes[i] = await storeEntry(ctx, entry, parentNodes.get(entry.name), listing.rules);
  });
  const outcomes = await reading;
  toRead.forEach((f, k) => {
    if (applyOutcome(ctx, f.abs, f.node, f.parent, outcomes[k]!)) nodes[f.i] = f.node;
  });
  const tree: Tree = { nodes: nodes.filter((n): n is TreeNode => n !== undefined) };
  return ctx.repo.saveTree(tree);
}
