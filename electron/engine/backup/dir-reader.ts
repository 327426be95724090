/**
 * Reads one folder for a backup: its entries with their lstat, minus what the rules exclude,
 * with the folder's own `.cairnignore` added to the rules, and only the tag of a cache folder
 * (CACHEDIR.TAG). The backup's tree builder and its progress scanner both walk with this, so
 * the totals shown match what is backed up.
 *
 * Names are bytes: one that is not valid UTF-8 keeps its exact bytes, and gets a readable name
 * that no other entry of the folder has (format/raw-name.ts). Paths are in-memory paths that
 * can hold such bytes; fs calls take fsPath() of them.
 */
import { isUtf8 } from 'node:buffer';
import type { BigIntStats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { escapeName, fsPath, nameLength, bytesToLocal } from '../format/raw-name.js';
import { compareNames } from '../format/tree.js';
import { forEachConcurrently } from '../util/concurrency.js';
import * as fd from '../util/fd-fs.js';
import { CACHEDIR_SIGNATURE, IGNORE_FILE, type IgnoreRules } from './ignore-rules.js';

export interface DirEntry {
  /** As stored and shown: the name, or for one that is not UTF-8 its readable form. */
  name: string;
  /** The exact bytes, base64, of a name that is not valid UTF-8. */
  raw?: string;
  /** In-memory path (format/raw-name.ts). */
  abs: string;
  st: BigIntStats;
}

/** A folder entry's name before its lstat. */
interface Name {
  name: string;
  raw?: string;
  /** The name as an in-memory path component. */
  local: string;
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
  let names: Name[];
  try {
    names = await readNames(dir, warn);
  } catch (err) {
    warn(dir, err);
    return undefined;
  }
  let rules = inherited;
  if (names.some((n) => n.name === IGNORE_FILE && !n.raw)) {
    const file = path.join(dir, IGNORE_FILE);
    try {
      rules = rules.withFile(dir, await fs.readFile(fsPath(file), 'utf8'));
    } catch (err) {
      warn(file, err);
    }
  }
  // A cache folder tagged with CACHEDIR.TAG keeps only its tag, as restic and borg do.
  if (names.some((n) => n.name === 'CACHEDIR.TAG') && (await isCacheDir(dir))) {
    names = [{ name: 'CACHEDIR.TAG', local: 'CACHEDIR.TAG' }];
  }

  const stats: (BigIntStats | undefined)[] = new Array(names.length);
  await forEachConcurrently(
    names.map((_, i) => i),
    16,
    async (i) => {
      const abs = path.join(dir, names[i]!.local);
      try {
        stats[i] = await fd.lstatBig(fsPath(abs));
      } catch (err) {
        warn(abs, err);
      }
    },
  );
  const entries: DirEntry[] = [];
  names.forEach(({ name, raw, local }, i) => {
    const st = stats[i];
    const abs = path.join(dir, local);
    if (st && !rules.ignores(abs, st.isDirectory())) {
      entries.push(raw === undefined ? { name, abs, st } : { name, raw, abs, st });
    }
  });
  return { entries, rules };
}

/**
 * The folder's names, sorted. Read as text first (Node decodes them in C++, fast); a name that
 * is not UTF-8 comes out with U+FFFD in it, and only then is the folder read again as bytes.
 */
async function readNames(dir: string, warn: WarnFn): Promise<Name[]> {
  const texts = await fd.readdir(fsPath(dir));
  if (!texts.some((t) => t.includes('\uFFFD'))) {
    return texts.sort(compareNames).map((name) => ({ name, local: name }));
  }
  const names: Name[] = [];
  const strays: Buffer[] = [];
  for (const bytes of await fd.readdirBytes(fsPath(dir))) {
    if (isUtf8(bytes)) {
      const name = bytes.toString('utf8');
      names.push({ name, local: name });
    } else {
      strays.push(bytes);
    }
  }
  const taken = new Set(names.map((n) => n.name));
  for (const bytes of strays) {
    const local = bytesToLocal(bytes);
    const name = uniqueEscape(bytes, taken);
    if (name === undefined) {
      warn(path.join(dir, local), new NameClashError());
      continue;
    }
    taken.add(name);
    names.push({ name, raw: bytes.toString('base64'), local });
  }
  return names.sort((a, b) => compareNames(a.name, b.name));
}

/** The first readable form of the name that no other entry of the folder has. */
function uniqueEscape(bytes: Buffer, taken: ReadonlySet<string>): string | undefined {
  const length = nameLength(bytes);
  for (let hexFromEnd = 0; hexFromEnd <= length; hexFromEnd++) {
    const name = escapeName(bytes, hexFromEnd);
    if (!taken.has(name)) return name;
  }
  return undefined;
}

/** Only a folder built to defeat it: every readable form of a name is another entry's name. */
export class NameClashError extends Error {
  constructor() {
    super('its name is not UTF-8 and every readable form of it is taken by another file');
    this.name = 'NameClashError';
  }
}

async function isCacheDir(dir: string): Promise<boolean> {
  try {
    const head = Buffer.alloc(CACHEDIR_SIGNATURE.length);
    const handle = await fs.open(fsPath(path.join(dir, 'CACHEDIR.TAG')), 'r');
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
