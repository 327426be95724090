/**
 * Restores a snapshot, or the paths chosen with `include`, below a target folder, in the
 * snapshot's layout (`/src/a` → `TARGET/src/a`). Nothing is written outside the target: names
 * are checked one by one, every folder on the way is created or checked with lstat (never
 * followed through a symlink), and files are created with O_EXCL, which refuses to write
 * through a link. Modes, mtimes, symlinks and hard links are restored; ownership as root.
 *
 * Restore is best effort against damage in the repository: a damaged or missing blob fails the
 * files that need it (content-writer.ts), a damaged tree the folder it describes, a malformed
 * tree entry that entry. Each is listed in the result's `damaged`, and the rest is restored.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BackupWarning, OverwritePolicy } from '../../../shared/domain.js';
import { CairnError, errorMessage, isNotFound } from '../errors.js';
import type { Tree, TreeNode } from '../format/tree.js';
import { nodeProblem } from '../format/tree-check.js';
import { prestartWorkers, WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import type { JobControl, RestoreRequest, RestoreResult } from '../operation-types.js';
import { findSnapshot } from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { Semaphore } from '../util/concurrency.js';
import { placeFailure } from '../util/write-failure.js';
import {
  ContentWriter,
  DamagedFile,
  isDamage,
  mtimeSeconds,
  needsChown,
} from './content-writer.js';
import { makeRestoreFolder } from './restore-folder.js';
import { fsPath, hasStrayBytes } from '../format/raw-name.js';
import { linkTarget, localName } from './local-name.js';
import { isSafeName, splitSnapshotPath } from './safe-name.js';
import { treeSize } from './tree-size.js';

const execFileAsync = promisify(execFile);

interface RestoreContext {
  repo: Repository;
  contents: ContentWriter;
  policy: OverwritePolicy;
  includes: string[][] | undefined;
  result: RestoreResult;
  warnings: BackupWarning[];
  damaged: BackupWarning[];
  /** (device, inode) → the restored path of the first file of a hard-link group, once written. */
  hardLinks: Map<string, Promise<string>>;
  /** Entries in folders that already existed are checked a few at a time. */
  leafSlots: Semaphore;
  /** Folders whose metadata is set once everything is written, each after those inside it. */
  dirs: { dest: string; node: TreeNode }[];
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

/** Called before the repository is opened: its workers start while the key is derived. */
export function prepareRestore(): void {
  prestartWorkers();
}

export async function restoreSnapshot(
  repo: Repository,
  request: RestoreRequest,
  control: JobControl = {},
): Promise<RestoreResult> {
  // Snapshot first, index second: a backup finishing in between has written its index first.
  const snapshot = await findSnapshot(repo, request.snapshot);
  await repo.loadIndex();
  const parsed = request.include?.length
    ? request.include.map((p) => {
        const parts = splitSnapshotPath(p);
        if (!parts)
          throw new CairnError('invalid-argument', `--include ${p} is not a valid snapshot path`);
        return parts;
      })
    : undefined;
  let root: Tree;
  try {
    root = await repo.loadTree(snapshot.tree);
  } catch (err) {
    if (isDamage(err))
      throw new CairnError(
        'corrupt',
        `snapshot ${snapshot.short_id} cannot be read: ${err.message}`,
      );
    throw err;
  }
  // Includes are looked up before anything is written: if none is in the snapshot, nothing is.
  const warnings: BackupWarning[] = [];
  let includes = parsed;
  if (parsed) {
    const found = await Promise.all(parsed.map((inc) => pathExists(repo, root.nodes, inc)));
    const missing = parsed.filter((_, i) => !found[i]).map((m) => '/' + m.join('/'));
    if (missing.length === parsed.length)
      throw new CairnError(
        'path-not-found',
        `${listed(missing)} ${missing.length > 1 ? 'are' : 'is'} not in snapshot ${snapshot.short_id}`,
      );
    for (const m of missing)
      warnings.push({ path: m, message: `not in snapshot ${snapshot.short_id}` });
    includes = parsed.filter((_, i) => found[i]);
  }
  const target = path.resolve(request.target);
  // A folder this restore created holds only what the restore puts there: its entries need
  // no check for something in the way.
  const fresh = await makeRestoreFolder(target);
  const pool = new WorkerPool(repo.key);
  const result: RestoreResult = {
    files_restored: 0,
    files_skipped: 0,
    files_renamed: 0,
    bytes_restored: 0,
    warnings,
    damaged: [],
  };
  const meter = new ProgressMeter('restore', control.onProgress, control.progressIntervalMs);
  const asRoot = process.getuid?.() === 0;
  const ctx: RestoreContext = {
    repo,
    contents: new ContentWriter(repo, pool, { result, meter, asRoot, signal: control.signal }),
    policy: request.overwrite ?? 'skip',
    includes,
    result,
    warnings: result.warnings,
    damaged: result.damaged,
    hardLinks: new Map(),
    leafSlots: new Semaphore(16),
    dirs: [],
    meter,
    signal: control.signal,
    asRoot,
  };
  try {
    if (control.onProgress) {
      const total = await treeSize(repo, root, (parts) => select(includes, parts));
      ctx.meter.filesTotal = total.files;
      ctx.meter.bytesTotal = total.bytes;
    }
    await restoreChildren(ctx, root.nodes, target, [], fresh);
    await ctx.contents.finish();
    // Listed after their contents, so a folder's own mode (read-only, say) is set only once
    // nothing below it needs changing.
    for (const dir of ctx.dirs) await applyMetadata(ctx, dir.node, dir.dest);
    result.damaged.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    ctx.meter.emit(true);
    return result;
  } catch (err) {
    // A full (or read-only) disk ends the restore: say which disk, and what to do.
    throw placeFailure(err, { kind: 'restore-target', at: target }, 'writing restored files', {
      permissions: false,
    });
  } finally {
    // Workers may still be writing into files this thread opened: let them finish first.
    await ctx.contents.close();
    await pool.close();
  }
}

/** Whether a path is in the snapshot; behind a damaged tree it may be, and the walk says so. */
async function pathExists(repo: Repository, nodes: TreeNode[], parts: string[]): Promise<boolean> {
  let current = nodes;
  for (let i = 0; i < parts.length; i++) {
    const node = current.find((n) => n.name === parts[i]);
    if (!node) return false;
    if (i === parts.length - 1) return true;
    if (node.type !== 'dir' || typeof node.subtree !== 'string') return false;
    try {
      current = (await repo.loadTree(node.subtree)).nodes;
    } catch (err) {
      if (isDamage(err)) return true;
      throw err;
    }
  }
  return true;
}

/** `/a`, `/a and /b`, `/a, /b and /c`. */
function listed(paths: string[]): string {
  return paths.length > 1 ? `${paths.slice(0, -1).join(', ')} and ${paths.at(-1)!}` : paths[0]!;
}

async function restoreChildren(
  ctx: RestoreContext,
  nodes: TreeNode[],
  dir: string,
  parts: string[],
  fresh: boolean,
): Promise<void> {
  const seen = new Set<string>();
  // Names `--overwrite rename` must not pick: the snapshot's own, then each one picked.
  const taken = new Set(nodes.map(localName));
  const work: Promise<void>[] = [];
  for (const node of nodes) {
    throwIfCancelled(ctx.signal);
    const local = localName(node);
    if (!isSafeName(local) || seen.has(local)) {
      ctx.warnings.push({
        path: shownPath(parts, node.name),
        message: 'refused: unsafe or duplicate name in snapshot',
      });
      continue;
    }
    seen.add(local);
    const selection = ctx.includes ? select(ctx.includes, [...parts, node.name]) : 'all';
    if (selection === 'none') continue;
    const problem = nodeProblem(node);
    if (problem !== undefined) {
      ctx.damaged.push({
        path: shownPath(parts, node.name),
        message: `malformed entry in the snapshot: ${problem}`,
      });
      continue;
    }
    // A safe name is exactly one path component: joining needs no normalizing.
    const dest = dir + path.sep + local;
    if (node.type === 'dir') {
      await restoreDir(ctx, node, dest, [...parts, node.name], selection, fresh, taken);
    } else if (selection !== 'all') {
      continue;
    } else if (fresh && node.type === 'file' && !hardLinkKey(node)) {
      // The common case, kept lean: a new file in a folder this restore created.
      const wait = ctx.contents.add(dest, node, parts);
      if (wait) await wait;
    } else if (fresh) {
      await restoreLeaf(ctx, node, dir, parts, fresh, taken);
    } else {
      work.push(ctx.leafSlots.use(() => restoreLeaf(ctx, node, dir, parts, fresh, taken)));
    }
  }
  await Promise.all(work);
}

function shownPath(parts: string[], name: string): string {
  return '/' + [...parts, name].join('/');
}

function hardLinkKey(node: TreeNode): string | undefined {
  return node.links && node.links > 1 && node.inode ? `${node.device}:${node.inode}` : undefined;
}

async function restoreDir(
  ctx: RestoreContext,
  node: TreeNode,
  dest: string,
  parts: string[],
  selection: Selection,
  parentFresh: boolean,
  taken: Set<string>,
): Promise<void> {
  const shown = '/' + parts.join('/');
  // Read before anything is made for it: a folder whose tree is damaged is reported, not created.
  let subtree: Tree;
  try {
    subtree = node.subtree ? await ctx.repo.loadTree(node.subtree) : { nodes: [] };
  } catch (err) {
    if (!isDamage(err)) throw err;
    ctx.damaged.push({ path: shown, message: err.message });
    return;
  }
  let existing = parentFresh ? undefined : await lstatOrUndefined(dest);
  if (existing && !existing.isDirectory()) {
    if (ctx.policy === 'skip') {
      ctx.warnings.push({ path: shown, message: 'skipped: a non-folder is in the way' });
      return;
    }
    if (ctx.policy === 'rename') {
      // Keep both: the folder comes back beside the file, under a free name.
      dest = await freeName(path.dirname(dest), localName(node), taken);
    } else {
      await fs.rm(fsPath(dest), { force: true });
    }
    existing = undefined;
  }
  if (!existing) await fs.mkdir(fsPath(dest), { mode: 0o700 });
  await restoreChildren(ctx, subtree.nodes, dest, parts, !existing);
  if (selection === 'all' || !existing) ctx.dirs.push({ dest, node });
}

async function restoreLeaf(
  ctx: RestoreContext,
  node: TreeNode,
  dir: string,
  parts: string[],
  fresh: boolean,
  taken: Set<string>,
): Promise<void> {
  const shown = shownPath(parts, node.name);
  let dest = path.join(dir, localName(node));
  const existing = fresh ? undefined : await lstatOrUndefined(dest);
  // A file replaces what is there only once it is complete: damage keeps the old one.
  let replace = false;
  if (existing) {
    if (ctx.policy === 'skip') {
      ctx.result.files_skipped++;
      return;
    }
    if (ctx.policy === 'rename') {
      dest = await freeName(dir, localName(node), taken);
      ctx.result.files_renamed++;
    } else if (existing.isDirectory()) {
      ctx.warnings.push({ path: shown, message: 'skipped: a folder is in the way' });
      return;
    } else if (node.type === 'file') {
      replace = true;
    } else {
      await fs.unlink(fsPath(dest));
    }
  }
  switch (node.type) {
    case 'file':
      await restoreFile(ctx, node, dest, parts, replace);
      return;
    case 'symlink':
      await fs.symlink(linkTarget(node), fsPath(dest));
      await applyMetadata(ctx, node, dest);
      ctx.result.files_restored++;
      return;
    case 'fifo':
      try {
        await makeFifo(dest);
      } catch (err) {
        ctx.warnings.push({ path: shown, message: `skipped: ${errorMessage(err)}` });
        return;
      }
      await applyMetadata(ctx, node, dest);
      ctx.result.files_restored++;
      return;
    case 'socket':
      // A socket belongs to the program listening on it, which makes a new one when it starts:
      // there is nothing to bring back, and its absence is no problem of the restore.
      return;
    default:
      ctx.warnings.push({ path: shown, message: `skipped: ${node.type} entries are not restored` });
  }
}

/** Node has no mkfifo(3); the mkfifo program does the same where FIFOs exist. */
async function makeFifo(dest: string): Promise<void> {
  // A program takes its arguments as text: a path that is not UTF-8 gets the FIFO made under a
  // temporary name in the nearest folder up that is, then renamed into place.
  const made = hasStrayBytes(dest) ? temporaryTextPath(dest) : dest;
  try {
    await execFileAsync('mkfifo', ['--', made]);
  } catch (err) {
    const e = err as { code?: string | number; stderr?: string };
    throw new Error(
      e.code === 'ENOENT'
        ? 'a named pipe (FIFO), and this system has no mkfifo to make one'
        : `cannot make a named pipe (FIFO): ${(e.stderr ?? '').trim() || String(err)}`,
    );
  }
  if (made !== dest) {
    await fs.rename(made, fsPath(dest)).catch(async (err: unknown) => {
      await fs.rm(made, { force: true });
      throw err;
    });
  }
}

function temporaryTextPath(dest: string): string {
  let dir = path.dirname(dest);
  while (hasStrayBytes(dir)) dir = path.dirname(dir);
  return path.join(dir, `.cairn-fifo-${randomBytes(6).toString('hex')}`);
}

/**
 * Queues a file's content; a further link of a hard-link group links to the first, once
 * written, and is damaged with it.
 */
async function restoreFile(
  ctx: RestoreContext,
  node: TreeNode,
  dest: string,
  parts: string[],
  replace: boolean,
): Promise<void> {
  const key = hardLinkKey(node);
  const first = key ? ctx.hardLinks.get(key) : undefined;
  if (first) {
    ctx.contents.track(
      first.then(
        async (written) => {
          if (replace) await fs.unlink(fsPath(dest));
          await fs.link(fsPath(written), fsPath(dest));
          ctx.result.files_restored++;
        },
        (err: unknown) => {
          if (!(err instanceof DamagedFile)) throw err;
          ctx.damaged.push({ path: shownPath(parts, node.name), message: err.message });
        },
      ),
    );
    return;
  }
  if (!key) return ctx.contents.add(dest, node, parts, { replace });
  let whenDone!: (err?: Error) => void;
  const written = new Promise<string>((resolve, reject) => {
    whenDone = (err) => (err ? reject(err) : resolve(dest));
  });
  // A failure reaches the caller through the restore itself; links only wait for success.
  written.catch(() => undefined);
  ctx.hardLinks.set(key, written);
  await ctx.contents.add(dest, node, parts, { whenDone, replace });
}

async function applyMetadata(ctx: RestoreContext, node: TreeNode, dest: string): Promise<void> {
  const mtime = mtimeSeconds(node);
  if (node.type === 'symlink') {
    await fs.lutimes(fsPath(dest), mtime, mtime).catch(() => undefined);
    if (needsChown(ctx.asRoot, node))
      await fs.lchown(fsPath(dest), node.uid!, node.gid ?? 0).catch(() => undefined);
    return;
  }
  if (needsChown(ctx.asRoot, node))
    await fs.chown(fsPath(dest), node.uid!, node.gid ?? 0).catch(() => undefined);
  await fs.chmod(fsPath(dest), node.mode);
  await fs.utimes(fsPath(dest), mtime, mtime);
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(fsPath(p));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * `report.pdf` → `report (restored).pdf`, then `report (restored 2).pdf`, …: the first name
 * neither on disk nor in `taken` (the snapshot's names in this folder and those already picked,
 * which restoring later would otherwise overwrite). A name is claimed before it is looked up,
 * so leaves restored at once never pick the same one.
 */
async function freeName(dir: string, name: string, taken: Set<string>): Promise<string> {
  const ext = path.extname(name);
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name;
  for (let n = 1; ; n++) {
    const candidate = `${stem} (restored${n > 1 ? ` ${n}` : ''})${ext === name ? '' : ext}`;
    if (taken.has(candidate)) continue;
    taken.add(candidate);
    const full = path.join(dir, candidate);
    if (!(await lstatOrUndefined(full))) return full;
  }
}
