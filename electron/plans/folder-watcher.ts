/**
 * Watches a plan's folders for changes, for watched plans (`cairn plan add --watch`).
 *
 * On Linux, Node 20's `fs.watch(dir, { recursive: true })` is emulated in JavaScript and has
 * known gaps (changes in a folder created after the watch began can be missed, a removed folder
 * can throw), so there we keep one non-recursive watcher per folder ourselves: a folder that
 * appears is walked and watched, one that disappears has its watchers closed. The cost is one
 * inotify watch per folder (a tree of 100 000 folders needs as many, within
 * `fs.inotify.max_user_watches`; when the limit is reached the error is reported and the plan
 * keeps its schedule). macOS and Windows watch a whole tree natively, so they use `recursive`.
 * Symbolic links are not followed (a backup does not follow them inside a tree either).
 */
import { watch, type FSWatcher, promises as fs } from 'node:fs';
import path from 'node:path';

export interface FolderWatcherOptions {
  /** True for a path whose changes do not count (the repository, CAIRN_HOME, excludes). */
  ignores(absPath: string, isDir: boolean): boolean;
  /** A path changed (created, written, renamed or removed). */
  onChange(absPath: string): void;
  onError(message: string): void;
  /** Force per-folder watchers on every platform (tests). */
  perFolder?: boolean;
}

export interface FolderWatcher {
  /** Resolves once every folder that existed at the start is watched. */
  ready: Promise<void>;
  /** Folders watched now (per-folder mode), for tests and the log. */
  watchedFolders(): string[];
  close(): void;
}

export function watchFolders(
  roots: readonly string[],
  options: FolderWatcherOptions,
): FolderWatcher {
  const perFolder = options.perFolder ?? process.platform === 'linux';
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const report = (abs: string) => {
    if (!closed) options.onChange(abs);
  };
  const fail = (what: string, err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || closed) return; // gone meanwhile: its parent reports that
    const why =
      code === 'ENOSPC'
        ? 'the system limit of watched folders is reached (raise fs.inotify.max_user_watches)'
        : (err as Error).message;
    options.onError(`cannot watch ${what}: ${why}; the plan still runs on its schedule`);
  };

  const unwatchTree = (dir: string) => {
    for (const [folder, w] of watchers) {
      if (folder === dir || folder.startsWith(dir + path.sep)) {
        w.close();
        watchers.delete(folder);
      }
    }
  };

  const onEvent = async (dir: string, name: string | null) => {
    if (closed) return;
    if (name === null) {
      report(dir);
      return;
    }
    const abs = path.join(dir, name);
    const st = await fs.lstat(abs).catch(() => undefined);
    if (closed) return;
    const isDir = st?.isDirectory() ?? watchers.has(abs);
    if (options.ignores(abs, isDir)) return;
    report(abs);
    if (!perFolder) return;
    if (st?.isDirectory()) {
      if (!watchers.has(abs)) await watchTree(abs);
    } else if (watchers.has(abs)) {
      unwatchTree(abs);
    }
  };

  const watchOne = (dir: string, recursive: boolean) => {
    try {
      const w = watch(dir, { persistent: false, recursive }, (_event, name) => {
        const rel = name === null ? null : name.toString();
        void onEvent(
          recursive && rel ? path.dirname(path.join(dir, rel)) : dir,
          rel && path.basename(rel),
        );
      });
      w.on('error', (err) => {
        // A folder removed under its watcher: the parent's event closes the rest.
        w.close();
        if (watchers.get(dir) === w) watchers.delete(dir);
        fail(dir, err);
      });
      watchers.set(dir, w);
    } catch (err) {
      fail(dir, err);
    }
  };

  // Watch first, then list: a file created in between is reported rather than lost.
  const watchTree = async (dir: string): Promise<void> => {
    if (closed || watchers.has(dir)) return;
    watchOne(dir, false);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const sub = path.join(dir, entry.name);
      if (!options.ignores(sub, true)) await watchTree(sub);
    }
  };

  const start = async (root: string) => {
    const st = await fs.stat(root).catch((err: unknown) => {
      fail(root, err);
      return undefined;
    });
    if (!st) return;
    if (!st.isDirectory()) {
      // A single file: its folder is watched, and only the file's own name counts.
      const dir = path.dirname(root);
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name !== null && path.join(dir, name.toString()) === root) report(root);
      });
      w.on('error', (err) => fail(root, err));
      watchers.set(`${root}\0file`, w);
      return;
    }
    if (perFolder) await watchTree(root);
    else watchOne(root, true);
  };

  const ready = Promise.all(roots.map(start)).then(() => undefined);
  return {
    ready,
    watchedFolders: () => [...watchers.keys()].filter((k) => !k.includes('\0')).sort(),
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
