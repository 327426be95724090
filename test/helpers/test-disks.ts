/**
 * Real read-only and full locations for tests, made with what the system offers: as root
 * (the CI machine), a bind mount remounted read-only or a small tmpfs, since root writes
 * through any file mode; as another user, a folder made unwritable with chmod. What cannot be
 * made says why, for the test to report itself skipped. Call these inside a test: what they
 * make is undone when it finishes.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  rmdirSync,
  statfsSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';

export type Made<T = object> = ({ path: string; undo(): void } & T) | { skip: string };

const isRoot = process.getuid?.() === 0;

/**
 * A view of `dir` that can turn read-only while a command uses it, as a disk the kernel
 * remounts read-only after errors does.
 */
export function switchableView(dir: string): Made<{ makeReadOnly(): void }> {
  if (!isRoot) {
    const undo = once(() => run('chmod', ['-R', 'u+w', dir]));
    onTestFinished(undo);
    return { path: dir, makeReadOnly: () => run('chmod', ['-R', 'a-w', dir]), undo };
  }
  const view = `${dir}-view`;
  mkdirSync(view);
  const bound = spawnSync('mount', ['--bind', dir, view], { encoding: 'utf8' });
  if (bound.status !== 0) {
    rmdirSync(view);
    return { skip: `cannot bind-mount as root here: ${bound.stderr.trim()}` };
  }
  const undo = once(() => {
    run('umount', [view]);
    rmdirSync(view);
  });
  onTestFinished(undo);
  return { path: view, makeReadOnly: () => run('mount', ['-o', 'remount,bind,ro', view]), undo };
}

/** A read-only view of `dir`. */
export function readOnlyView(dir: string): Made {
  const view = switchableView(dir);
  if ('skip' in view) return view;
  try {
    view.makeReadOnly();
  } catch (err) {
    view.undo();
    return { skip: `cannot make ${dir} read-only here: ${(err as Error).message}` };
  }
  return view;
}

/** An empty file system of `mib` MiB mounted at `dir` (created), for a disk that fills up. */
export function smallDisk(dir: string, mib: number): Made {
  if (!isRoot)
    return { skip: 'mounting a small file system needs root (the CI machine runs as root)' };
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'cairn-test', dir], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) return { skip: `cannot mount a tmpfs here: ${mounted.stderr.trim()}` };
  const undo = once(() => run('umount', [dir]));
  onTestFinished(undo);
  return { path: dir, undo };
}

const PAGE = 4096;

/** Fills the disk holding `dir` with a file `filler` until not one block is left. */
export function fillUp(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, PAGE]) {
      const chunk = Buffer.alloc(size, 0xa5);
      for (;;) {
        try {
          if (writeSync(fd, chunk) < size) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

/** Makes room for `pages` pages (4 KiB) by shortening the filler: a disk all but full. */
export function freePages(filler: string, pages: number): void {
  const size = statSync(filler).size;
  truncateSync(filler, Math.max(0, (Math.ceil(size / PAGE) - pages) * PAGE));
}

export function freeBytes(dir: string): number {
  const st = statfsSync(dir);
  return st.bavail * st.bsize;
}

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr.trim()}`);
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
