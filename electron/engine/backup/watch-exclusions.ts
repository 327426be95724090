/**
 * What a watched plan's folder watcher leaves out, in the backup's own terms: the paths
 * --exclude patterns skip, and the folder of a local repository (a backup into a watched folder
 * would otherwise trigger itself).
 */
import { CairnError } from '../errors.js';
import { LocalTarget } from '../targets/local-target.js';
import { openTarget } from '../targets/location.js';
import { remoteScheme } from '../targets/remote-location.js';
import { IgnoreRules } from './ignore-rules.js';

export function watchExclusions(
  root: string,
  excludes: readonly string[],
): (absPath: string, isDir: boolean) => boolean {
  const rules = IgnoreRules.forRoot(root, excludes);
  return (absPath, isDir) => rules.ignores(absPath, isDir);
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
