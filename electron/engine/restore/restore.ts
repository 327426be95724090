/**
 * Restores a snapshot, or the paths chosen with `include`, below a target folder, in the
 * snapshot's layout (`/src/a` → `TARGET/src/a`). Nothing is written outside the target: names
 * are checked one by one, every folder on the way is created or checked with lstat (never
 * followed through a symlink), and files are created with O_EXCL, which refuses to write
 * through a link. Modes, mtimes, symlinks and hard links are restored; ownership as root.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type { BackupWarning } from '../../../shared/domain.js';
import { CairnError, isNotFound } from '../errors.js';
import type { TreeNode } from '../format/tree.js';
import { WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import type {
  JobControl,
  OverwritePolicy,
  RestoreRequest,
  RestoreResult,
} from '../service-types.js';
import { findSnapshot } from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { Semaphore } from '../util/semaphore.js';
import { BlobLoader } from './blob-loader.js';
import * as fd from '../util/fd-fs.js';
import { isSafeName, splitSnapshotPath } from './safe-name.js';
import { treeSize } from './tree-size.js';

interface RestoreContext {
  repo: Repository;
  loader: BlobLoader;
  policy: OverwritePolicy;
  includes: string[][] | undefined;
  result: RestoreResult;
  warnings: BackupWarning[];
  /** (device, inode) → the restored path of the first file of a hard-link group, once written. */
  hardLinks: Map<string, Promise<string>>;
  /** Single-chunk files restore many at a time; multi-chunk files two at a time (memory). */
  fileSlots: Semaphore;
  largeFileSlots: Semaphore;
  meter: ProgressMeter;
  signal: AbortSignal | undefined;
  asRoot: boolean;
}

type Selection = 'all' | 'ancestor' | 'none';

function select(includes: string[][] | undefined, parts: readonly string[]): Selection {
  if (!includes) return 'all';
  let ancestor = false;
  for (const inc of includes) {
    const n = Math.min(inc.length, parts.length);
    let same = true;
    for (let i = 0; i < n; i++) if (inc[i] !== parts[i]) same = false;
    if (!same) continue;
    if (parts.length >= inc.length) return 'all';
    ancestor = true;
  }
  return ancestor ? 'ancestor' : 'none';
}

export async function restoreSnapshot(
  repo: Repository,
  request: RestoreRequest,
  control: JobControl = {},
): Promise<RestoreResult> {
  await repo.loadIndex();
  const snapshot = await findSnapshot(repo, request.snapshot);
  const includes = request.include?.length
    ? request.include.map((p) => {
        const parts = splitSnapshotPath(p);
        if (!parts)
          throw new CairnError('invalid-argument', `--include ${p} is not a valid snapshot path`);
        return parts;
      })
    : undefined;
  const target = path.resolve(request.target);
  await fs.mkdir(target, { recursive: true });
  const pool = new WorkerPool(repo.key);
  const result: RestoreResult = {
    files_restored: 0,
    files_skipped: 0,
    files_renamed: 0,
    bytes_restored: 0,
    warnings: [],
  };
  const ctx: RestoreContext = {
    repo,
    loader: new BlobLoader(repo, pool),
    policy: request.overwrite ?? 'skip',
    includes,
    result,
    warnings: result.warnings,
    hardLinks: new Map(),
    fileSlots: new Semaphore(16),
    largeFileSlots: new Semaphore(2),
    meter: new ProgressMeter('restore', control.onProgress),
    signal: control.signal,
    asRoot: process.getuid?.() === 0,
  };
  try {
    const root = await repo.loadTree(snapshot.tree);
    if (control.onProgress) {
      const total = await treeSize(repo, root, (parts) => select(includes, parts));
      ctx.meter.filesTotal = total.files;
      ctx.meter.bytesTotal = total.bytes;
    }
    await restoreChildren(ctx, root.nodes, target, []);
    if (includes) {
      const found = await Promise.all(includes.map((inc) => pathExists(repo, root.nodes, inc)));
      const missing = includes.filter((_, i) => !found[i]);
      if (missing.length) {
        throw new CairnError(
          'path-not-found',
          `not in snapshot ${snapshot.short_id}: ${missing.map((m) => '/' + m.join('/')).join(', ')}`,
        );
      }
    }
    ctx.meter.emit(true);
    return result;
  } finally {
    await pool.close();
  }
}

async function pathExists(repo: Repository, nodes: TreeNode[], parts: string[]): Promise<boolean> {
  let current = nodes;
  for (let i = 0; i < parts.length; i++) {
    const node = current.find((n) => n.name === parts[i]);
    if (!node) return false;
    if (i === parts.length - 1) return true;
    if (node.type !== 'dir' || !node.subtree) return false;
    current = (await repo.loadTree(node.subtree)).nodes;
  }
  return true;
}

async function restoreChildren(
  ctx: RestoreContext,
  nodes: TreeNode[],
  dir: string,
  parts: string[],
): Promise<void> {
  const seen = new Set<string>();
  const work: Promise<void>[] = [];
  for (const node of nodes) {
    throwIfCancelled(ctx.signal);
    const childParts = [...parts, node.name];
    const shown = '/' + childParts.join('/');
    if (!isSafeName(node.name) || seen.has(node.name)) {
      ctx.warnings.push({ path: shown, message: 'refused: unsafe or duplicate name in snapshot' });
      continue;
    }
    seen.add(node.name);
    const selection = select(ctx.includes, childParts);
    if (selection === 'none') continue;
    if (node.type === 'dir') {
      await restoreDir(ctx, node, path.join(dir, node.name), childParts, selection);
    } else if (selection === 'all') {
      const slots = (node.content?.length ?? 0) > 1 ? ctx.largeFileSlots : ctx.fileSlots;
      work.push(slots.use(() => restoreLeaf(ctx, node, dir, shown)));
    }
  }
  await Promise.all(work);
}

async function restoreDir(
  ctx: RestoreContext,
  node: TreeNode,
  dest: string,
  parts: string[],
  selection: Selection,
): Promise<void> {
  const shown = '/' + parts.join('/');
  let existing = await lstatOrUndefined(dest);
  if (existing && !existing.isDirectory()) {
    if (ctx.policy !== 'always') {
      ctx.warnings.push({ path: shown, message: 'skipped: a non-folder is in the way' });
      return;
    }
    await fs.rm(dest, { force: true });
    existing = undefined;
  }
  if (!existing) await fs.mkdir(dest, { mode: 0o700 });
  const subtree = node.subtree ? await ctx.repo.loadTree(node.subtree) : { nodes: [] };
  await restoreChildren(ctx, subtree.nodes, dest, parts);
  if (selection === 'all' || !existing) await applyMetadata(ctx, node, dest);
}

async function restoreLeaf(
  ctx: RestoreContext,
  node: TreeNode,
  dir: string,
  shown: string,
): Promise<void> {
  let dest = path.join(dir, node.name);
  const existing = await lstatOrUndefined(dest);
  if (existing) {
    if (ctx.policy === 'skip') {
      ctx.result.files_skipped++;
      return;
    }
    if (ctx.policy === 'rename') {
      dest = await freeName(dir, node.name);
      ctx.result.files_renamed++;
    } else if (existing.isDirectory()) {
      ctx.warnings.push({ path: shown, message: 'skipped: a folder is in the way' });
      return;
    } else {
      await fs.unlink(dest);
    }
  }
  switch (node.type) {
    case 'file':
      await restoreFile(ctx, node, dest);
      break;
    case 'symlink':
      await fs.symlink(node.link_target ?? '', dest);
      await applyMetadata(ctx, node, dest);
      break;
    default:
      ctx.warnings.push({ path: shown, message: `skipped: ${node.type} entries are not restored` });
      return;
  }
  ctx.result.files_restored++;
}

async function restoreFile(ctx: RestoreContext, node: TreeNode, dest: string): Promise<void> {
  const key =
    node.links && node.links > 1 && node.inode ? `${node.device}:${node.inode}` : undefined;
  const first = key ? ctx.hardLinks.get(key) : undefined;
  if (first) {
    await fs.link(await first, dest);
    return;
  }
  const written = writeFile(ctx, node, dest).then(() => dest);
  if (key) ctx.hardLinks.set(key, written);
  await written;
}

async function writeFile(ctx: RestoreContext, node: TreeNode, dest: string): Promise<void> {
  ctx.meter.current = dest;
  // O_EXCL: never write through something that appeared at this name (a planted symlink).
  const handle = await fd.open(
    dest,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
    0o600,
  );
  try {
    const ids = node.content ?? [];
    // Keep a few blobs loading ahead of the one being written.
    const ahead: Promise<Buffer>[] = [];
    let next = 0;
    const fill = (): void => {
      while (ahead.length < 4 && next < ids.length) ahead.push(ctx.loader.load(ids[next++]!));
    };
    fill();
    while (ahead.length > 0) {
      const data = await ahead.shift()!;
      fill();
      await fd.writeAll(handle, data);
      ctx.result.bytes_restored += data.length;
      ctx.meter.bytes += data.length;
      ctx.meter.emit();
    }
    if (needsChown(ctx, node)) await fd.fchown(handle, node.uid!, node.gid ?? 0);
    await fd.fchmod(handle, node.mode);
    const mtime = mtimeSeconds(node);
    await fd.futimes(handle, mtime, mtime);
  } finally {
    await fd.close(handle);
  }
  ctx.meter.files++;
}

function mtimeSeconds(node: TreeNode): number {
  return Number(BigInt(node.mtime_ns) / 1000n) / 1e6;
}

/** Ownership is restored as root only, and only where it differs from root's own. */
function needsChown(ctx: RestoreContext, node: TreeNode): boolean {
  return ctx.asRoot && node.uid !== undefined && (node.uid !== 0 || (node.gid ?? 0) !== 0);
}

async function applyMetadata(ctx: RestoreContext, node: TreeNode, dest: string): Promise<void> {
  const mtime = mtimeSeconds(node);
  if (node.type === 'symlink') {
    await fs.lutimes(dest, mtime, mtime).catch(() => undefined);
    if (needsChown(ctx, node))
      await fs.lchown(dest, node.uid!, node.gid ?? 0).catch(() => undefined);
    return;
  }
  if (needsChown(ctx, node)) await fs.chown(dest, node.uid!, node.gid ?? 0).catch(() => undefined);
  await fs.chmod(dest, node.mode);
  await fs.utimes(dest, mtime, mtime);
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** `report.pdf` → `report (restored).pdf`, then `report (restored 2).pdf`, … */
async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name;
  for (let n = 1; ; n++) {
    const candidate = path.join(
      dir,
      `${stem} (restored${n > 1 ? ` ${n}` : ''})${ext === name ? '' : ext}`,
    );
    if (!(await lstatOrUndefined(candidate))) return candidate;
  }
}
