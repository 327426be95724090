/**
 * A command interrupted with Ctrl-C (SIGINT) or SIGTERM (what `kill`, `timeout` and systemd
 * send) stops, says so, and exits with 130. A backup leaves
 * no spool file, no lock and no new snapshot behind, and the repository stays sound. In the CLI
 * one lane of work runs on the main thread; it must stop as promptly as a worker does.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('commands interrupted with SIGINT or SIGTERM', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');

  beforeAll(async () => {
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'first.txt'), 'the first snapshot\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
    // One large file: the first lane, the main thread's in the CLI, reads it alone.
    writeFileSync(path.join(src, 'large.bin'), randomBytes(96 * MiB));
  });

  it('a backup stops part way through a large file, cleans up, and leaves the repository sound', async () => {
    const run = await killOnProgress(
      ['backup', src, '--repo', repo],
      (p) => p.phase === 'backup' && p.bytes_done >= 8 * MiB,
      { signal: 'SIGINT' },
    );
    expect(run.killed).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/cancel/i);
    expect(filesUnder(repo).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(filesUnder(path.join(repo, 'locks'))).toEqual([]);
    const snaps = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout);
    expect(snaps).toHaveLength(1);
    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);
    await cairnOk(['backup', src, '--repo', repo]);
  });
  it('a restore and a check stop at their next range or pack, exit 130 and release the lock', async () => {
    // Interrupted at their first progress event (the process is frozen there until the
    // signal is sent), so the interrupt lands while most of the work is still ahead.
    const restore = await killOnProgress(
      ['restore', 'latest', '--target', path.join(dir, 'out'), '--repo', repo],
      (p) => p.phase === 'restore' && p.bytes_done > 0,
      { signal: 'SIGINT' },
    );
    const check = await killOnProgress(
      ['check', '--repo', repo, '--read-data'],
      (p) => p.phase === 'check' && p.files_done >= 1,
      { signal: 'SIGINT' },
    );
    for (const run of [restore, check]) {
      expect(run.killed).toBe(true);
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/cancel/i);
    }
    expect(filesUnder(path.join(repo, 'locks'))).toEqual([]);
  });
  it('SIGTERM ends a backup the same clean way as Ctrl-C: no spool file, no lock, no snapshot', async () => {
    writeFileSync(path.join(src, 'large-2.bin'), randomBytes(64 * MiB));
    const before = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout);
    const run = await killOnProgress(
      ['backup', src, '--repo', repo],
      (p) => p.phase === 'backup' && p.bytes_done >= 8 * MiB,
      { signal: 'SIGTERM' },
    );
    expect(run.killed).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/cancel/i);
    expect(filesUnder(repo).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(filesUnder(path.join(repo, 'locks'))).toEqual([]);
    const after = JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout);
    expect(after).toHaveLength(before.length);
  });
});
