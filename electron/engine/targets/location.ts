/**
 * Location strings (SPEC §4): a plain path or file:///path now; s3:, webdav:, sftp: and rest:
 * arrive with the targets issue and plug in here.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../errors.js';
import { LocalTarget } from './local-target.js';
import type { Target } from './target.js';

const REMOTE_SCHEMES = ['s3:', 'webdav:', 'sftp:', 'rest:'];

export function openTarget(location: string): Target {
  if (!location) throw new CairnError('invalid-argument', 'no repository given (--repo LOC)');
  if (location.startsWith('file://')) return new LocalTarget(fileURLToPath(location));
  const scheme = REMOTE_SCHEMES.find((s) => location.startsWith(s));
  if (scheme) {
    throw new CairnError(
      'invalid-argument',
      `${scheme.slice(0, -1)} targets are not supported yet`,
    );
  }
  return new LocalTarget(path.resolve(location));
}
