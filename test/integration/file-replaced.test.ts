/**
 * A file that is replaced between the scan and the read — by a FIFO, which would block the
 * reading thread for good, or by a symlink, which would be followed to whatever it points at —
 * is not read: the backup finishes, warns that the file was replaced, and exits 3.
 *
 * The moment is exact: CAIRN_PROGRESS=json-step freezes the backup at each progress event. In a
 * second backup the changed file is scanned and queued, then the unchanged file after it is
 * counted (an event), and only after the whole folder is listed are the queued files read.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const WARNING = 'replaced during the backup (by another file, a link or a pipe); not saved';

describe('a file replaced between scan and read', () => {
  const dir = tempDir();
  const children: ChildProcess[] = [];
  // A backup that hangs on a FIFO (the failure this guards against) must not outlive the test.
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  async function backupWhileReplacing(name: string, replace: (victim: string) => void) {
    const src = path.join(dir, name, 'src');
    const repo = path.join(dir, name, 'repo');
    mkdirSync(src, { recursive: true });
    const victim = path.join(src, 'report.txt');
    writeFileSync(victim, 'first version\n');
    writeFileSync(path.join(src, 'zz-unchanged.txt'), 'stays the same\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
    appendFileSync(victim, 'second version\n');

    const run = await killOnProgress(
      ['backup', src, '--repo', repo],
      // The unchanged file is counted: the changed one is scanned and waits to be read.
      (p) => p.files_done === 1,
      {
        signal: null,
        whileFrozen: async (child) => {
          children.push(child);
          replace(victim);
        },
      },
    );
    return { ...run, victim, repo };
  }

  it('a FIFO in its place: not opened for good, reported, exit 3', async () => {
    const res = await backupWhileReplacing('fifo', (victim) => {
      rmSync(victim);
      execFileSync('mkfifo', [victim]);
    });
    expect(res.killed).toBe(true);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`warning: ${res.victim}: ${WARNING}\n`);
    const ls = await cairnOk(['ls', 'latest', '--repo', res.repo]);
    expect(ls.stdout.split('\n')).toEqual(['/src/', '/src/zz-unchanged.txt', '']);
  });

  it('a symlink in its place: not followed, reported, exit 3', async () => {
    const secret = path.join(dir, 'secret.txt');
    writeFileSync(secret, 'not meant for this backup\n');
    const res = await backupWhileReplacing('symlink', (victim) => {
      rmSync(victim);
      symlinkSync(secret, victim);
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`warning: ${res.victim}: ${WARNING}\n`);
    const ls = await cairnOk(['ls', 'latest', '--repo', res.repo]);
    expect(ls.stdout.split('\n')).toEqual(['/src/', '/src/zz-unchanged.txt', '']);
  });
});
