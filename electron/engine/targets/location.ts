/**
 * Location strings (README.md, the command line: `--repo LOC`): a plain path or file:///path, or a remote location
 * (remote-location.ts: s3:, webdav:, sftp:, rest:).
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
import { redactLocation, SCHEME } from './redact-location.js';
import { openRemoteTarget } from './remote-location.js';
import type { Target } from './target.js';

export { redactLocation };

/** `env`: where remote credentials come from (default the process's environment). */
export function openTarget(
  location: string,
  env: Record<string, string | undefined> = process.env,
): Target {
  if (!location) throw new CairnError('invalid-argument', 'no repository given (--repo LOC)');
  if (/^file:/i.test(location)) return new LocalTarget(fileLocationPath(location));
  const remote = openRemoteTarget(location, env);
  if (remote) return remote;
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
