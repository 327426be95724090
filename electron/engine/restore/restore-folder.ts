/**
 * Makes the folder a restore writes into, and the missing folders above it, one level at a
 * time. Node's recursive mkdir never returns where mkdir fails with ENOENT although the parent
 * exists (`/proc/x`: it creates the parent, "succeeds", and tries again, forever); one level at
 * a time, every refusal ends the restore at once with a message naming the folder.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../errors.js';

/** Returns whether the folder was created (it then holds only what the restore puts there). */
export async function makeRestoreFolder(target: string): Promise<boolean> {
  const missing: string[] = [];
  let dir = target;
  let found: Stats;
  for (;;) {
    try {
      found = await fs.stat(dir);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way up, which the next step finds and names.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && path.dirname(dir) !== dir) {
        missing.push(dir);
        dir = path.dirname(dir);
        continue;
      }
      throw cannotCreate(target, reason(err));
    }
  }
  if (!found.isDirectory()) {
    if (dir === target)
      throw new CairnError('invalid-argument', `--target ${target} is not a folder`);
    throw cannotCreate(target, `${dir} is not a folder`);
  }
  for (const d of missing.reverse()) {
    try {
      await fs.mkdir(d);
    } catch (err) {
      throw cannotCreate(target, reason(err));
    }
  }
  if (missing.length === 0) {
    // An existing folder the restore cannot write into fails here, before any work.
    await fs.access(target, constants.W_OK).catch((err: unknown) => {
      throw new CairnError('invalid-argument', `cannot restore into ${target}: ${reason(err)}`);
    });
  }
  return missing.length > 0;
}

function cannotCreate(target: string, why: string): CairnError {
  return new CairnError('invalid-argument', `cannot create the restore folder ${target}: ${why}`);
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOENT':
      // The folder above exists, yet mkdir says "no such file": a system folder (/proc, /sys).
      return 'this file system does not allow new folders there';
    default:
      return e.message ?? String(err);
  }
}
