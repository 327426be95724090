/**
 * Reads one folder for a backup: its entries with their lstat, minus what the rules exclude,
 * with the folder's own `.cairnignore` added to the rules, and only the tag of a cache folder
 * (CACHEDIR.TAG). The backup's tree builder and its progress scanner both walk with this, so
 * the totals shown match what is backed up.
 */
import type { BigIntStats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { compareNames } from '../format/tree.js';
import { mapLimit } from '../repository/repository.js';
import * as fd from '../util/fd-fs.js';
import { CACHEDIR_SIGNATURE, IGNORE_FILE, type IgnoreRules } from './ignore-rules.js';

export interface DirEntry {
  name: string;
  abs: string;
  st: BigIntStats;
}

export interface DirListing {
  entries: DirEntry[];
  rules: IgnoreRules;
}

export type WarnFn = (file: string, err: unknown) => void;

/** Returns undefined (after warning) when the folder itself cannot be read. */
export async function readDirEntries(
  dir: string,
  inherited: IgnoreRules,
  warn: WarnFn,
): Promise<DirListing | undefined> {
  let names: string[];
  try {
    names = (await fd.readdir(dir)).sort(compareNames);
  } catch (err) {
    warn(dir, err);
    return undefined;
  }
  let rules = inherited;
  if (names.includes(IGNORE_FILE)) {
    try {
      rules = rules.withFile(dir, await fs.readFile(path.join(dir, IGNORE_FILE), 'utf8'));
    } catch (err) {
      warn(path.join(dir, IGNORE_FILE), err);
    }
  }
  // A cache folder tagged with CACHEDIR.TAG keeps only its tag, as restic and borg do.
  if (await isCacheDir(dir, names)) names = ['CACHEDIR.TAG'];

  const stats: (BigIntStats | undefined)[] = new Array(names.length);
  await mapLimit(
    names.map((_, i) => i),
    16,
    async (i) => {
      const abs = path.join(dir, names[i]!);
      try {
        stats[i] = await fd.lstatBig(abs);
      } catch (err) {
        warn(abs, err);
      }
    },
  );
  const entries: DirEntry[] = [];
  names.forEach((name, i) => {
    const st = stats[i];
    const abs = path.join(dir, name);
    if (st && !rules.ignores(abs, st.isDirectory())) entries.push({ name, abs, st });
  });
  return { entries, rules };
}

async function isCacheDir(dir: string, names: readonly string[]): Promise<boolean> {
  if (!names.includes('CACHEDIR.TAG')) return false;
  try {
    const head = Buffer.alloc(CACHEDIR_SIGNATURE.length);
    const handle = await fs.open(path.join(dir, 'CACHEDIR.TAG'), 'r');
    try {
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
    return head.toString('latin1') === CACHEDIR_SIGNATURE;
  } catch {
    return false;
  }
}
