/**
 * Location strings (SPEC §4): a plain path or file:///path, or a remote location
 * (remote-location.ts: s3:, webdav:, sftp:, rest:).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../errors.js';
import { LocalTarget } from './local-target.js';
import { openRemoteTarget } from './remote-location.js';
import type { Target } from './target.js';

export function openTarget(location: string): Target {
  if (!location) throw new CairnError('invalid-argument', 'no repository given (--repo LOC)');
  if (location.startsWith('file://')) return new LocalTarget(fileURLToPath(location));
  return openRemoteTarget(location) ?? new LocalTarget(path.resolve(location));
}
