/**
 * Where each file lives below a repository's root on S3, WebDAV and SFTP: the local folder's
 * layout (target.ts), packs fanned out by their first two hex digits, so a repository copied
 * between any of them with a plain file tool (rclone copy) opens in the other place.
 *
 *   config   keys/<id>   locks/<id>   snapshots/<id>   index/<id>   data/<id[0..2]>/<id>
 *
 * Uploads in progress use a temporary name beside the final one, `<id>.<random>.tmp`; listings
 * skip every name that is not a file name of the repository.
 */
import { randomBytes } from 'node:crypto';
import { CairnError } from '../errors.js';
import type { FileKind } from './target.js';

const FILE_NAME = /^[0-9a-f]{6,128}$/;

export const FOLDER_KINDS = ['keys', 'locks', 'snapshots', 'index', 'data'] as const;

export function isFileName(name: string): boolean {
  return FILE_NAME.test(name);
}

/** The path of kind/name relative to the repository's root, with '/' separators. */
export function objectPath(kind: FileKind, name: string): string {
  if (kind === 'config') return 'config';
  if (!isFileName(name)) {
    throw new CairnError('invalid-argument', `invalid ${kind} file name ${JSON.stringify(name)}`);
  }
  if (kind === 'data') return `data/${name.slice(0, 2)}/${name}`;
  return `${kind}/${name}`;
}

/** The folder holding kind/name, relative to the root ('' for config). */
export function folderOf(kind: FileKind, name: string): string {
  const p = objectPath(kind, name);
  const slash = p.lastIndexOf('/');
  return slash < 0 ? '' : p.slice(0, slash);
}

/** A temporary name beside kind/name for an upload in progress. */
export function tempPath(kind: FileKind, name: string): string {
  return `${objectPath(kind, name)}.${randomBytes(6).toString('hex')}.tmp`;
}

/** "data/3fa4b2c1d5e6…": a file as messages name it. */
export function fileLabel(kind: FileKind, name: string): string {
  if (kind === 'config') return 'config';
  return `${kind}/${name.length > 12 ? `${name.slice(0, 12)}…` : name}`;
}
