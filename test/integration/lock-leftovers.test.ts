/**
 * A lock file left half-saved by a killed process (`locks/<name>.<random>.tmp`, written before
 * its rename) does not stay in the repository for good: the next command that locks it removes
 * it once it is stale.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeLock } from '../../electron/engine/repository/lock-file.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('lock leftovers', () => {
  const dir = tempDir();

  it('the next backup removes a killed process’s unfinished lock files', async () => {
    const repoPath = path.join(dir, 'repo');
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'a\n');
    await cairnOk(['init', '--repo', repoPath]);
    const repo = await Repository.open(new LocalTarget(repoPath), 'correct horse battery staple');
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('exit', resolve));
    const now = new Date().toISOString();
    // Killed after writing its lock, before the rename: complete, of a process that is gone.
    const complete = encodeLock(repo.key.encrypt, {
      time: now,
      heartbeat: now,
      hostname: os.hostname(),
      username: 'someone',
      pid: child.pid!,
      exclusive: false,
      operation: 'backup',
    });
    await repo.close();
    const locks = path.join(repoPath, 'locks');
    writeFileSync(path.join(locks, `${complete.name}.a1b2c3d4e5f6.tmp`), complete.bytes);
    // Killed while writing it, an hour ago.
    const torn = path.join(locks, `${'ab'.repeat(32)}.0f0f0f0f0f0f.tmp`);
    writeFileSync(torn, randomBytes(7));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(torn, anHourAgo, anHourAgo);

    await cairnOk(['backup', src, '--repo', repoPath]);
    expect(readdirSync(locks)).toEqual([]);
  });
});
