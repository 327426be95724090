/**
 * Describes a folder the way a backup must preserve it — type, bytes (as a hash), mode, mtime,
 * symlink target, and which paths are hard links of each other — so two folders can be
 * compared with one deep equality.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export interface EntryDescription {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: string;
  mtimeMs?: number;
  sha256?: string;
  size?: number;
  target?: string;
  /** For files with several links: the first path (in sorted order) of the same inode. */
  hardLinkOf?: string;
}

export function describeTree(
  root: string,
  options: { mtimes?: boolean } = {},
): Record<string, EntryDescription> {
  const out: Record<string, EntryDescription> = {};
  const inodes = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      const mode = (st.mode & 0o7777).toString(8);
      const mtimeMs = options.mtimes === false ? undefined : Math.floor(st.mtimeMs);
      if (st.isSymbolicLink()) {
        out[r] = { type: 'symlink', mode: '', target: readlinkSync(abs) };
      } else if (st.isDirectory()) {
        out[r] = { type: 'dir', mode, ...(mtimeMs !== undefined ? { mtimeMs } : {}) };
        walk(abs, r);
      } else if (st.isFile()) {
        const d: EntryDescription = {
          type: 'file',
          mode,
          size: st.size,
          sha256: createHash('sha256').update(readFileSync(abs)).digest('hex'),
          ...(mtimeMs !== undefined ? { mtimeMs } : {}),
        };
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          const first = inodes.get(key);
          if (first) d.hardLinkOf = first;
          else inodes.set(key, r);
        }
        out[r] = d;
      } else {
        out[r] = { type: 'other', mode };
      }
    }
  };
  walk(root, '');
  return out;
}
