/**
 * A restored file is written under a hidden name beside its own and renamed into place once its
 * content and metadata are complete. A restore killed part way therefore never leaves a
 * truncated file under the real name — which the next restore (`--overwrite skip`) would take
 * for the user's own and keep. The hidden name depends only on the file's name, so the next
 * restore of the same file replaces a leftover instead of adding another.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsPath, shownPath } from '../format/raw-name.js';

export const PARTIAL_SUFFIX = '.cairn-part';

export function partialPath(dest: string): string {
  const tag = createHash('sha256')
    .update(fsPath(path.basename(dest)))
    .digest('hex')
    .slice(0, 16);
  return path.join(path.dirname(dest), `.${tag}${PARTIAL_SUFFIX}`);
}

const CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;

/**
 * Opens a new partial file, replacing a leftover; O_EXCL never writes through a link. A leftover
 * is rare, so it is removed only when the create meets one: looking first cost a failed lstat
 * (and its exception) per restored file.
 */
export function createPartialSync(partial: string): number {
  try {
    return fs.openSync(fsPath(partial), CREATE, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  fs.rmSync(fsPath(partial), { force: true });
  return fs.openSync(fsPath(partial), CREATE, 0o600);
}

/**
 * Renames a complete file into place, never over something that appeared at its name since
 * the restore looked (a second snapshot name that folds to the same one on a case-insensitive
 * disk, a file the user just created): that is an error, as creating it would have been.
 * With `replace` (`--overwrite always`) it takes the place of the file there, in one step:
 * until the new file is complete, the old one stays as it was.
 */
export function placeSync(partial: string, dest: string, replace = false): void {
  if (!replace && existsNoFollow(dest)) {
    fs.rmSync(fsPath(partial), { force: true });
    throw appeared(shownPath(dest));
  }
  fs.renameSync(fsPath(partial), fsPath(dest));
}

/** Without an exception for the usual answer (nothing there), which costs more than the call. */
function existsNoFollow(p: string): boolean {
  return fs.lstatSync(fsPath(p), { throwIfNoEntry: false }) !== undefined;
}

function appeared(dest: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(
    `EEXIST: ${dest} already exists (it appeared during the restore, or another name in the snapshot is the same on this disk); left as it was`,
  );
  err.code = 'EEXIST';
  return err;
}
