/**
 * Location strings (SPEC §4): a plain path or file:///path now; s3:, webdav:, sftp: and rest:
 * arrive with the targets issue and plug in here.
 *
 * Anything else that starts like a URL scheme (`https://…`, `b2:bucket`) is refused: taken as
 * a folder name it would put the repository in a local folder called `https:` while the user
 * believes it is off-site. A drive letter (`C:\x`, `C:/x`) is a path, and so is a name with a
 * colon further on (`./backup:2024`, `/mnt/backup:2024`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../errors.js';
import { LocalTarget } from './local-target.js';
import type { Target } from './target.js';

const REMOTE_SCHEMES = ['s3:', 'webdav:', 'sftp:', 'rest:'];

/** A URL scheme as RFC 3986 spells it; one letter before the colon is a drive letter. */
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

export function openTarget(location: string): Target {
  if (!location) throw new CairnError('invalid-argument', 'no repository given (--repo LOC)');
  if (/^file:/i.test(location)) return new LocalTarget(fileLocationPath(location));
  const scheme = REMOTE_SCHEMES.find((s) => location.startsWith(s));
  if (scheme) {
    throw new CairnError(
      'invalid-argument',
      `${scheme.slice(0, -1)} targets are not supported yet`,
    );
  }
  const unknown = SCHEME.exec(location);
  if (unknown) {
    const shown = redactLocation(location);
    // `name:rest` without `//` may be a folder the user named so; say how to write one.
    const folder = location.slice(unknown[0].length).startsWith('//')
      ? ''
      : ` (a folder with a colon in its name: ./${shown})`;
    throw new CairnError(
      'invalid-argument',
      `cannot use ${shown} as a repository: ${unknown[0]} is not a kind of target Cairn knows ` +
        `(a folder path, file:///path, s3:, webdav:, sftp:, rest:)${folder}`,
    );
  }
  return new LocalTarget(path.resolve(location));
}

function fileLocationPath(location: string): string {
  try {
    return fileURLToPath(location);
  } catch {
    throw new CairnError(
      'invalid-argument',
      `${redactLocation(location)} is not a file location: write file:///absolute/path`,
    );
  }
}

/**
 * The location with the password of a `user:password@` part replaced by `***`, for messages
 * and logs. Plain paths are left alone: a folder may well be called `me:notes@home`.
 * Everything up to the last `@` counts as the password, so that one which contains `@` or
 * `/` never shows in part (a path with an `@` in it is then hidden a little too much).
 */
export function redactLocation(location: string): string {
  if (!SCHEME.test(location) || /^file:/i.test(location)) return location;
  return location.replace(
    /^([a-z][a-z0-9+.-]*:(?:\/\/)?(?:[a-z][a-z0-9+.-]*:\/\/)?[^/@:]*):.*@/i,
    '$1:***@',
  );
}
