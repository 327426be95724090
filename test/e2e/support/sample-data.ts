/**
 * Folders for the e2e tests: a small tree with text and nested folders, and a large file of
 * random bytes so a backup runs long enough to watch its progress and cancel it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function makeDocuments(root: string): string {
  const dir = path.join(root, 'Documents');
  mkdirSync(path.join(dir, 'notes', 'archive'), { recursive: true });
  mkdirSync(path.join(dir, 'photos'), { recursive: true });
  writeFileSync(
    path.join(dir, 'notes', 'welcome.md'),
    '# Welcome\n\nCairn keeps this note safe.\n',
  );
  writeFileSync(path.join(dir, 'notes', 'archive', 'ideas-2025.txt'), 'lighthouse\nharbour\n');
  writeFileSync(path.join(dir, 'budget.csv'), 'month,amount\njan,120\nfeb,95\n');
  writeFileSync(path.join(dir, 'photos', 'beach.raw'), randomBytes(300_000));
  return dir;
}

/** Incompressible bytes, written in 8 MiB pieces to keep memory flat. */
export function makeLargeFolder(root: string, megabytes: number): string {
  const dir = path.join(root, 'Videos');
  mkdirSync(dir, { recursive: true });
  const piece = 8 * 1024 * 1024;
  for (let i = 0; i * 8 < megabytes; i++) {
    writeFileSync(path.join(dir, `clip-${i}.bin`), randomBytes(piece));
  }
  return dir;
}

/**
 * A folder holding one sparse file of `gigabytes` GiB: no disk space, but every byte must be
 * read and chunked, so a backup of it runs for seconds however fast the machine — long enough
 * to cancel it for sure.
 */
export function makeSparseImage(root: string, gigabytes: number): string {
  const dir = path.join(root, 'Disk image');
  mkdirSync(dir, { recursive: true });
  const fd = openSync(path.join(dir, 'disk.img'), 'w');
  ftruncateSync(fd, gigabytes * 1024 * 1024 * 1024);
  closeSync(fd);
  return dir;
}
