/**
 * Keeps a folder watcher for each watched plan (`--watch`) and reports changes to the
 * scheduler, which turns them into runs. Changes that a run does not back up are not changes:
 * the plan's excluded paths, its repository when that lies inside a watched folder, and
 * CAIRN_HOME (activity, logs and caches are written while a run works).
 */
import path from 'node:path';
import { localRepositoryPath, watchExclusions } from '../engine/service.js';
import type { Plan } from './config-schema.js';
import { watchFolders, type FolderWatcher } from './folder-watcher.js';

export interface PlanWatchers {
  /** Watches the folders of the watched, running plans; call again when the plans change. */
  update(plans: readonly Plan[]): void;
  close(): void;
}

export function planWatchers(options: {
  home: string;
  onChange(plan: string, absPath: string): void;
  onError(plan: string, message: string): void;
  /** The plan's folders are watched (the folders there were at the start). */
  onReady?(plan: string, folders: number): void;
}): PlanWatchers {
  const watching = new Map<string, { key: string; watcher: FolderWatcher }>();
  return {
    update(plans) {
      const wanted = new Map(plans.filter((p) => p.watch && !p.paused).map((p) => [p.name, p]));
      for (const [name, current] of watching) {
        const plan = wanted.get(name);
        if (plan && watchKey(plan) === current.key) continue;
        current.watcher.close();
        watching.delete(name);
      }
      for (const plan of wanted.values()) {
        if (watching.has(plan.name)) continue;
        const watcher = watchFolders(plan.folders, {
          ignores: ignoredBy(plan, options.home),
          onChange: (abs) => options.onChange(plan.name, abs),
          onError: (message) => options.onError(plan.name, message),
        });
        watching.set(plan.name, { key: watchKey(plan), watcher });
        void watcher.ready.then(() => {
          if (watching.get(plan.name)?.watcher === watcher)
            options.onReady?.(plan.name, watcher.watchedFolders().length);
        });
      }
    },
    close() {
      for (const { watcher } of watching.values()) watcher.close();
      watching.clear();
    },
  };
}

function watchKey(plan: Plan): string {
  return JSON.stringify([plan.folders, plan.excludes, plan.repository]);
}

export function ignoredBy(plan: Plan, home: string): (abs: string, isDir: boolean) => boolean {
  const inside = (dir: string, abs: string) => abs === dir || abs.startsWith(dir + path.sep);
  const own = [path.resolve(home), localRepositoryPath(plan.repository)].filter(
    (p): p is string => p !== null,
  );
  const excluded = plan.folders.map((root) => ({
    root,
    ignores: watchExclusions(root, plan.excludes),
  }));
  return (abs, isDir) => {
    if (own.some((dir) => inside(dir, abs))) return true;
    const folder = excluded.find((f) => inside(f.root, abs));
    return folder ? folder.ignores(abs, isDir) : false;
  };
}
