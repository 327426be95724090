/**
 * Lists the sub-folders of a folder on this machine: web mode's stand-in for the native folder
 * dialog. Only names of folders are returned, never file contents; the server is loopback-only
 * and token-gated, so this shows the user their own disk.
 */
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { FolderListing } from '../../shared/contract.js';
import { ContractFailure } from './to-contract-error.js';

const maxEntries = 2000;

export async function listFolders(requested: string | undefined): Promise<FolderListing> {
  const path = resolve(requested ?? homedir());
  if (requested !== undefined && !isAbsolute(requested)) {
    throw new ContractFailure('invalid-argument', 'Enter a full path, starting at the root.');
  }
  let dirents;
  try {
    dirents = await readdir(path, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `The folder ${path} does not exist.`
        : code === 'EACCES' || code === 'EPERM'
          ? `Cairn may not open the folder ${path}.`
          : `The folder ${path} cannot be listed.`;
    throw new ContractFailure('path-not-found', message, (err as Error).message);
  }
  const entries = dirents
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => ({ name: d.name, path: join(path, d.name) }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, maxEntries);
  const parent = dirname(path);
  return { path, parent: parent === path ? null : parent, entries };
}
