/**
 * A write that failed because of where it went (a full disk, a read-only one) is told in words
 * that name the place and what to do about it, not as an errno: the user has to act on the
 * disk, and which disk (the repository's, the restore target's, Cairn's own folder) decides how.
 */
import { CairnError } from '../errors.js';

export type Place =
  | { kind: 'repository'; at: string }
  | { kind: 'restore-target'; at: string }
  | { kind: 'cairn-home'; at: string };

const FULL = new Set(['ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * The CairnError for a write to `place` that failed with a full or read-only disk; any other
 * error is returned as it is. `doing` says what was being written: "writing a pack". Where a
 * permission error may come from something other than writing to `place` (a restore also
 * reads), `permissions: false` leaves EACCES and EPERM as they are.
 */
export function placeFailure(
  err: unknown,
  place: Place,
  doing: string,
  { permissions = true, advice }: { permissions?: boolean; advice?: string } = {},
): unknown {
  if (err instanceof CairnError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!code || (!permissions && (code === 'EACCES' || code === 'EPERM'))) return err;
  const why = `${code} while ${doing}`;
  if (FULL.has(code)) {
    const todo =
      advice ??
      {
        repository: 'free space or run `cairn prune`',
        'restore-target': 'free space and run the same restore again: it finishes the job',
        'cairn-home': 'free space, or set CAIRN_HOME to a folder on another disk',
      }[place.kind];
    return new CairnError(
      'disk-full',
      `the disk holding ${placeName(place)} is full (${why}); ${todo}`,
      {
        cause: err,
      },
    );
  }
  if (READ_ONLY.has(code)) {
    const reason =
      code === 'EROFS' ? 'its file system is mounted read-only' : 'this user may not write to it';
    return new CairnError('read-only', `${placeName(place)} is read-only: ${reason} (${why})`, {
      cause: err,
    });
  }
  return err;
}

function placeName(place: Place): string {
  switch (place.kind) {
    case 'repository':
      return `the repository at ${place.at}`;
    case 'restore-target':
      return `the restore target ${place.at}`;
    case 'cairn-home':
      return `Cairn's folder ${place.at}`;
  }
}
