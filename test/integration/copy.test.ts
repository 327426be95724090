/**
 * `cairn copy` between a local repository and a REST server (`rclone serve restic`), both
 * ways: what comes back from the copy is byte for byte what was backed up, the copies keep
 * their time, host, paths and tags and name their original, and a second run moves no data.
 * A destination with other chunker parameters cuts the files anew and still restores exactly;
 * an interrupted copy leaves no snapshot behind and a later run completes it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared/domain.js';
import {
  missingProgram,
  startRclone,
  type RunningServer,
} from '../fixtures/target-servers/servers.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { HttpFaultProxy } from '../helpers/fault-proxy.js';
import { describeTree, type EntryDescription } from '../helpers/file-tree.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;
const dir = tempDir('cairn-copy-');
const src = path.join(dir, 'src');
const local = path.join(dir, 'local');
const back = path.join(dir, 'back');
const SECOND = 'a different password for the copy';
const rcloneMissing = missingProgram('rclone');

describe.skipIf(rcloneMissing)('cairn copy between a local folder and a REST server', () => {
  let server: RunningServer;
  let proxy: HttpFaultProxy;
  let remote = '';
  let first: Record<string, EntryDescription>;
  let ids: string[] = [];
  const env = { CAIRN_HOME: path.join(dir, 'home') };

  const snapshots = async (repo: string, password?: string): Promise<Snapshot[]> =>
    JSON.parse(
      (
        await cairnOk(['snapshots', '--repo', repo, '--json'], {
          env: { ...env, ...(password ? { CAIRN_PASSWORD: password } : {}) },
        })
      ).stdout,
    ) as Snapshot[];

  const restoreFrom = async (repo: string, id: string, password?: string) => {
    const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
    await cairnOk(['restore', id, '--target', out, '--repo', repo], {
      env: { ...env, ...(password ? { CAIRN_PASSWORD: password } : {}) },
    });
    return describeTree(path.join(out, 'src'));
  };

  beforeAll(async () => {
    mkdirSync(path.join(src, 'notes'), { recursive: true });
    writeFileSync(path.join(src, 'large.bin'), randomBytes(6 * MiB));
    for (let i = 0; i < 20; i++)
      writeFileSync(path.join(src, 'notes', `n-${i}.txt`), `note ${i}\n`.repeat(i * 50));
    await cairnOk(['init', '--repo', local], { env });
    await cairnOk(['backup', src, '--repo', local, '--tag', 'first'], { env });
    first = describeTree(src);
    writeFileSync(path.join(src, 'notes', 'n-3.txt'), 'changed for the second snapshot\n');
    writeFileSync(path.join(src, 'more.bin'), randomBytes(2 * MiB));
    await cairnOk(['backup', src, '--repo', local], { env });
    ids = (await snapshots(local)).map((s) => s.id);

    server = await startRclone('restic', { root: path.join(dir, 'rest') });
    proxy = await HttpFaultProxy.start(server.port);
    remote = `rest:http://127.0.0.1:${proxy.port}/offsite`;
    await cairnOk(['init', '--repo', remote, '--copy-chunker-params-from', local], {
      // For init, CAIRN_PASSWORD2 is the password of the repository named by --copy-chunker-params-from.
      env: { ...env, CAIRN_PASSWORD: SECOND, CAIRN_PASSWORD2: 'correct horse battery staple' },
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('copies local → REST: the copies restore exactly and keep what describes them', async () => {
    const res = await cairnOk(['copy', ...ids, '--repo', local, '--to', remote], {
      env: { ...env, CAIRN_PASSWORD2: SECOND },
    });
    expect(res.stdout).toMatch(/copy: 2 snapshot\(s\) copied, 0 already there/);

    const originals = await snapshots(local);
    const copies = await snapshots(remote, SECOND);
    expect(copies).toHaveLength(2);
    for (const [i, copy] of copies.entries()) {
      const original = originals[i]!;
      expect(copy.original).toBe(original.id);
      expect(copy.id).not.toBe(original.id);
      for (const field of ['time', 'hostname', 'paths', 'tags', 'group', 'sources'] as const)
        expect(copy[field]).toEqual(original[field]);
    }
    expect(copies[1]!.parent).toBe(copies[0]!.id);
    expect(await restoreFrom(remote, copies[0]!.id, SECOND)).toEqual(first);
    expect(await restoreFrom(remote, copies[1]!.id, SECOND)).toEqual(describeTree(src));
  });

  it('a second copy moves no data: nothing new, no pack uploaded', async () => {
    const packsBefore = proxy.count({ method: 'POST', path: /\/data\// });
    const res = await cairnOk(['copy', ...ids, '--repo', local, '--to', remote, '--json'], {
      env: { ...env, CAIRN_PASSWORD2: SECOND },
    });
    const result = JSON.parse(res.stdout) as {
      copied: unknown[];
      skipped: unknown[];
      bytes_added: number;
      packs_written: number;
    };
    expect(result.copied).toEqual([]);
    expect(result.skipped).toHaveLength(2);
    expect(result.bytes_added).toBe(0);
    expect(result.packs_written).toBe(0);
    expect(proxy.count({ method: 'POST', path: /\/data\// })).toBe(packsBefore);
    expect(await snapshots(remote, SECOND)).toHaveLength(2);
  });

  it('copies REST → a local repository with other chunker parameters, which restores exactly', async () => {
    await cairnOk(['init', '--repo', back], { env });
    const res = await cairnOk(['copy', 'latest', '--repo', remote, '--to', back], {
      env: { ...env, CAIRN_PASSWORD: SECOND, CAIRN_PASSWORD2: 'correct horse battery staple' },
    });
    expect(res.stdout).toMatch(/copy: 1 snapshot\(s\) copied/);
    const [copy] = await snapshots(back);
    // A copy of a copy names the first original.
    expect(copy!.original).toBe(ids[1]);
    expect(await restoreFrom(back, copy!.id)).toEqual(describeTree(src));
    expect((await cairnOk(['check', '--repo', back, '--read-data'], { env })).stdout).toMatch(
      /no errors/,
    );
    // The destination's own backup of the same data dedups against the copy.
    const again = await cairnOk(['backup', src, '--repo', back, '--json', '--force-full'], {
      env,
    });
    const added = (JSON.parse(again.stdout) as { snapshot: Snapshot }).snapshot.stats.bytes_added;
    expect(added).toBeLessThan(64 * 1024);
  });

  it('a later copy reads from the source only what changed since the last copy', async () => {
    const copyLatest = async () =>
      JSON.parse(
        (
          await cairnOk(['copy', 'latest', '--repo', local, '--to', remote, '--json'], {
            env: { ...env, CAIRN_PASSWORD2: SECOND },
          })
        ).stdout,
      ) as { copied: unknown[]; bytes_read: number };
    const sizes = (...files: string[]) =>
      files.reduce((sum, f) => sum + statSync(path.join(src, f)).size, 0);
    const backup = async (file: string, text: string) => {
      writeFileSync(path.join(src, file), text);
      await cairnOk(['backup', src, '--repo', local], { env });
    };
    // The parent was copied: of a new folder beside unchanged ones, only its file is read.
    mkdirSync(path.join(src, 'archive'));
    await backup('archive/old.bin', randomBytes(4 * MiB).toString('base64'));
    expect((await copyLatest()).bytes_read).toBe(sizes('archive/old.bin'));

    // Of a changed folder, only the changed file.
    await backup('notes/n-5.txt', 'changed for the fourth snapshot\n');
    const result = await copyLatest();
    expect(result.copied).toHaveLength(1);
    expect(result.bytes_read).toBe(sizes('notes/n-5.txt'));

    // The parent not copied: only the folders changed since the last copy are read.
    await backup('notes/n-6.txt', 'changed for the fifth snapshot\n');
    await backup('notes/n-7.txt', 'changed for the sixth snapshot\n');
    const notes = readdirSync(path.join(src, 'notes')).map((n) => `notes/${n}`);
    expect((await copyLatest()).bytes_read).toBe(sizes('large.bin', 'more.bin', ...notes));
    const copies = await snapshots(remote, SECOND);
    expect(await restoreFrom(remote, copies.at(-1)!.id, SECOND)).toEqual(describeTree(src));
    const check = ['check', '--repo', remote, '--read-data'];
    expect((await cairnOk(check, { env: { ...env, CAIRN_PASSWORD: SECOND } })).stdout).toMatch(
      /no errors/,
    );
  });

  it('an interrupted copy leaves no snapshot and the next run completes it', async () => {
    const target = path.join(dir, 'interrupted');
    await cairnOk(['init', '--repo', target], { env });
    const run = await killOnProgress(
      ['copy', ids[0]!, '--repo', local, '--to', target],
      (p) => p.phase === 'copy' && p.bytes_done > 0,
      { signal: 'SIGINT', env: { ...env } },
    );
    expect(run.code).toBe(130);
    expect(await snapshots(target)).toEqual([]);
    await cairnOk(['copy', ids[0]!, '--repo', local, '--to', target], { env });
    const [copy] = await snapshots(target);
    expect(await restoreFrom(target, copy!.id)).toEqual(first);
  });
});
