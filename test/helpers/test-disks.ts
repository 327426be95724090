/**
 * Real read-only and full locations for tests, made with what the system offers: as root
 * (the CI machine), a read-only bind mount or a small tmpfs, since root writes through any file
 * mode; as another user, a folder made unwritable with chmod. What cannot be made says why, for
 * the test to report itself skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync } from 'node:fs';
import { afterAll } from 'vitest';

export type Made = { path: string; undo(): void } | { skip: string };

const isRoot = process.getuid?.() === 0;

/** A read-only view of `dir`: its files, as a disk the kernel remounted read-only shows them. */
export function readOnlyView(dir: string): Made {
  if (!isRoot) {
    run('chmod', ['-R', 'a-w', dir]);
    const undo = once(() => run('chmod', ['-R', 'u+w', dir]));
    afterAll(undo);
    return { path: dir, undo };
  }
  const view = `${dir}-read-only`;
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
  afterAll(undo);
  const ro = spawnSync('mount', ['-o', 'remount,bind,ro', view], { encoding: 'utf8' });
  if (ro.status !== 0) {
    undo();
    return { skip: `cannot remount read-only as root here: ${ro.stderr.trim()}` };
  }
  return { path: view, undo };
}

/** An empty file system of `mib` MiB mounted at `dir` (created), for a disk that fills up. */
export function smallDisk(dir: string, mib: number): Made {
  if (!isRoot)
    return { skip: 'mounting a small file system needs root (the CI machine runs as root)' };
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync(
    'mount',
    ['-t', 'tmpfs', '-o', `size=${mib}m,mode=0755`, 'cairn-test', dir],
    {
      encoding: 'utf8',
    },
  );
  if (mounted.status !== 0) return { skip: `cannot mount a tmpfs here: ${mounted.stderr.trim()}` };
  const undo = once(() => run('umount', [dir]));
  afterAll(undo);
  return { path: dir, undo };
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
