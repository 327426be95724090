/**
 * What a watched plan's folder watcher leaves out, in the backup's own terms: the paths
 * --exclude patterns skip, the paths `.cairnignore` files skip (read as the backup reads them:
 * each folder's file applies to its folder and below, and a folder left out leaves out all it
 * holds), and the folder of a local repository (a backup into a watched folder would otherwise
 * trigger itself).
 */
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../errors.js';
import { LocalTarget } from '../targets/local-target.js';
import { openTarget } from '../targets/location.js';
import { remoteScheme } from '../targets/remote-location.js';
import { IGNORE_FILE, IgnoreRules } from './ignore-rules.js';

export function watchExclusions(
  root: string,
  excludes: readonly string[],
): (absPath: string, isDir: boolean) => boolean {
  const base = IgnoreRules.forRoot(root, excludes);
  const ignoreFile = ignoreFileReader();
  return (absPath, isDir) => {
    const rel = path.relative(root, absPath);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      return base.ignores(absPath, isDir);
    }
    // From the root down to the path, as the backup walks: each folder adds its own file.
    const parts = rel.split(path.sep);
    let rules = base;
    let dir = root;
    for (let i = 0; i < parts.length; i++) {
      const content = ignoreFile(dir);
      if (content !== null) rules = rules.withFile(dir, content);
      const next = path.join(dir, parts[i]!);
      if (rules.ignores(next, i < parts.length - 1 || isDir)) return true;
      dir = next;
    }
    return false;
  };
}

/** A folder's `.cairnignore` (null: none), read again only when the file changed. */
function ignoreFileReader(): (dir: string) => string | null {
  const cache = new Map<string, { stamp: string; content: string | null }>();
  return (dir) => {
    const file = path.join(dir, IGNORE_FILE);
    let stamp = 'none';
    try {
      const st = statSync(file, { throwIfNoEntry: false });
      if (st?.isFile()) stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      // unreadable: as the backup, which warns and goes on without it
    }
    const cached = cache.get(dir);
    if (cached?.stamp === stamp) return cached.content;
    let content: string | null = null;
    if (stamp !== 'none') {
      try {
        content = readFileSync(file, 'utf8');
      } catch {
        content = null;
      }
    }
    cache.set(dir, { stamp, content });
    return content;
  };
}

/** The folder of a repository on this machine; null for a remote one (or a bad location). */
export function localRepositoryPath(location: string): string | null {
  if (remoteScheme(location)) return null;
  try {
    const target = openTarget(location, {});
    return target instanceof LocalTarget ? target.displayName : null;
  } catch (err) {
    if (err instanceof CairnError) return null;
    throw err;
  }
}
