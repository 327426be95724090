/**
 * The folder watcher against real file changes (real inotify on Linux, real timers, no fixed
 * sleeps: each test waits for the change it caused): files in folders that existed at the
 * start and in folders created later, removed folders, and paths that do not count (the
 * repository inside a watched folder, CAIRN_HOME, excluded paths). A change that must not be
 * reported is made before one that must: events arrive in order, so once the second is seen,
 * the first would have been.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../../electron/plans/config-schema.js';
import { watchFolders, type FolderWatcher } from '../../../electron/plans/folder-watcher.js';
import { ignoredBy } from '../../../electron/plans/plan-watchers.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir();
let n = 0;
let watcher: FolderWatcher | undefined;
afterEach(() => watcher?.close());

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function plan(folder: string, extra: Partial<Plan> = {}): Plan {
  return {
    name: 'w',
    repository: path.join(root, 'elsewhere-repo'),
    password: 'env:X',
    folders: [folder],
    excludes: [],
    apiSources: [],
    schedule: { type: 'manual' },
    timeZone: 'UTC',
    watch: true,
    retention: {},
    pruneEvery: 1,
    verifyPercent: null,
    paused: false,
    created: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

async function watched(p: (folder: string) => Plan, home = path.join(root, 'home')) {
  const folder = path.join(root, `data${n++}`);
  mkdirSync(path.join(folder, 'old', 'deep'), { recursive: true });
  const seen: string[] = [];
  const errors: string[] = [];
  const w = watchFolders([folder], {
    ignores: ignoredBy(p(folder), home),
    onChange: (abs) => seen.push(abs),
    onError: (m) => errors.push(m),
    perFolder: true,
  });
  watcher = w;
  await w.ready;
  return { folder, seen, errors, watcher: w };
}

describe('watchFolders', () => {
  it('reports changes in folders that existed and in folders created after the start', async () => {
    const { folder, seen, errors, watcher: w } = await watched((f) => plan(f));
    writeFileSync(path.join(folder, 'old', 'deep', 'a.txt'), 'a');
    await until('a change deep in an existing folder', () =>
      seen.includes(path.join(folder, 'old', 'deep', 'a.txt')),
    );
    mkdirSync(path.join(folder, 'new'));
    await until('the new folder watched', () =>
      w.watchedFolders().includes(path.join(folder, 'new')),
    );
    mkdirSync(path.join(folder, 'new', 'inner'));
    await until('the folder inside it watched', () =>
      w.watchedFolders().includes(path.join(folder, 'new', 'inner')),
    );
    writeFileSync(path.join(folder, 'new', 'inner', 'b.txt'), 'b');
    await until('a change in a folder made after the start', () =>
      seen.includes(path.join(folder, 'new', 'inner', 'b.txt')),
    );
    expect(errors).toEqual([]);
  });

  it('stops watching a removed folder, and follows a renamed one', async () => {
    const { folder, seen, errors, watcher: w } = await watched((f) => plan(f));
    rmSync(path.join(folder, 'old'), { recursive: true });
    await until('the removed folders unwatched', () => w.watchedFolders().length === 1);
    mkdirSync(path.join(folder, 'x', 'y'), { recursive: true });
    renameSync(path.join(folder, 'x'), path.join(folder, 'z'));
    await until('the renamed folder watched', () =>
      w.watchedFolders().includes(path.join(folder, 'z', 'y')),
    );
    writeFileSync(path.join(folder, 'z', 'y', 'c.txt'), 'c');
    await until('a change in the renamed folder', () =>
      seen.includes(path.join(folder, 'z', 'y', 'c.txt')),
    );
    expect(w.watchedFolders()).not.toContain(path.join(folder, 'x', 'y'));
    expect(errors).toEqual([]);
  });

  it('ignores the repository inside the folder, CAIRN_HOME and excluded paths', async () => {
    const { folder, seen } = await watched(
      (f) =>
        plan(f, {
          repository: path.join(f, 'old', 'repo'),
          excludes: ['*.tmp', 'cache/'],
        }),
      path.join(root, `data${n}`, 'old', 'home'),
    );
    mkdirSync(path.join(folder, 'old', 'repo', 'data'), { recursive: true });
    writeFileSync(path.join(folder, 'old', 'repo', 'data', 'pack'), 'p');
    mkdirSync(path.join(folder, 'old', 'home'));
    writeFileSync(path.join(folder, 'old', 'home', 'runs.ndjson'), '{}');
    writeFileSync(path.join(folder, 'old', 'deep', 'x.tmp'), 't');
    mkdirSync(path.join(folder, 'cache'));
    writeFileSync(path.join(folder, 'cache', 'y'), 'y');
    writeFileSync(path.join(folder, 'old', 'deep', 'kept.txt'), 'k');
    await until('the change that counts', () =>
      seen.includes(path.join(folder, 'old', 'deep', 'kept.txt')),
    );
    expect(seen.filter((p) => !p.endsWith('kept.txt'))).toEqual([]);
  });

  it('ignores what .cairnignore files leave out, as the backup does', async () => {
    const { folder, seen, watcher: w } = await watched((f) => plan(f));
    // Written before the watch: the file at the root leaves out build/ and *.log everywhere,
    // the one in old/ leaves out its own scratch/ (the backup reads them the same way).
    writeFileSync(path.join(folder, '.cairnignore'), 'build/\n*.log\n');
    writeFileSync(path.join(folder, 'old', '.cairnignore'), 'scratch/\n');
    mkdirSync(path.join(folder, 'build', 'obj'), { recursive: true });
    mkdirSync(path.join(folder, 'old', 'scratch'), { recursive: true });
    await until('the changed .cairnignore files seen', () =>
      seen.includes(path.join(folder, 'old', '.cairnignore')),
    );
    seen.length = 0;
    writeFileSync(path.join(folder, 'build', 'obj', 'a.o'), 'o');
    writeFileSync(path.join(folder, 'build', 'b.o'), 'o');
    writeFileSync(path.join(folder, 'old', 'deep', 'run.log'), 'l');
    writeFileSync(path.join(folder, 'old', 'scratch', 'tmp'), 't');
    mkdirSync(path.join(folder, 'old', 'scratch', 'more'));
    writeFileSync(path.join(folder, 'old', 'deep', 'kept.txt'), 'k');
    await until('the change that counts', () =>
      seen.includes(path.join(folder, 'old', 'deep', 'kept.txt')),
    );
    expect(seen.filter((p) => !p.endsWith('kept.txt'))).toEqual([]);
    // Left-out folders are not even watched.
    expect(w.watchedFolders()).not.toContain(path.join(folder, 'build', 'obj'));
    expect(w.watchedFolders()).not.toContain(path.join(folder, 'old', 'scratch'));
  });
});
