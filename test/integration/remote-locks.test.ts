/**
 * Locks across machines, on one S3 bucket (s3rver): two machines backing up into it at once
 * both succeed and both snapshots restore exactly; prune refuses while another machine's
 * backup holds its lock (whose process this machine cannot see); and a lock from a machine
 * that died is judged by its heartbeat's age alone — an old one is removed, a recent one is
 * respected whatever its process id means here. CAIRN_HOSTNAME plays the other machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLock, type LockRecord } from '../../electron/engine/repository/lock-file.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { openRemoteTarget } from '../../electron/engine/targets/remote-location.js';
import type { Snapshot } from '../../shared/domain.js';
import {
  S3RVER_KEYS,
  startS3rver,
  type RunningServer,
} from '../fixtures/target-servers/servers.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-remote-locks-');
const s3 = { ...S3RVER_KEYS, CAIRN_S3_PATH_STYLE: '1' };
const machine = (name: string) => ({
  ...s3,
  CAIRN_HOSTNAME: name,
  CAIRN_HOME: path.join(dir, name),
});

function folder(name: string, files: number): string {
  const root = path.join(dir, name);
  mkdirSync(root, { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(path.join(root, `f-${i}.bin`), randomBytes(50_000));
  return root;
}

describe('locks across machines on one S3 bucket', () => {
  let server: RunningServer;
  let location = '';
  let laptop = '';
  let desktop = '';

  beforeAll(async () => {
    server = await startS3rver(path.join(dir, 's3rver'), ['shared-bucket']);
    location = `s3:http://127.0.0.1:${server.port}/shared-bucket/family`;
    laptop = folder('laptop-files', 12);
    desktop = folder('desktop-files', 12);
    await cairnOk(['init', '--repo', location], { env: machine('laptop') });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A lock as another machine would have written it. */
  const plantLock = async (record: Partial<LockRecord>): Promise<string> => {
    const target = openRemoteTarget(location, s3, { spoolDir: path.join(dir, 'spool') })!;
    const repo = await Repository.open(target, 'correct horse battery staple');
    const now = new Date().toISOString();
    const lock = encodeLock(repo.key.encrypt, {
      time: now,
      heartbeat: now,
      hostname: 'elsewhere',
      username: 'someone',
      pid: process.pid, // alive here, which must mean nothing for another machine's lock
      exclusive: true,
      operation: 'prune',
      ...record,
    });
    await target.save('locks', lock.name, lock.bytes);
    await repo.close();
    return lock.name;
  };
  const lockNames = async (): Promise<string[]> => {
    const target = openRemoteTarget(location, s3, { spoolDir: path.join(dir, 'spool') })!;
    const names = (await target.list('locks')).map((l) => l.name);
    await target.close();
    return names;
  };

  it('two machines back up at once: both succeed, both snapshots restore', async () => {
    let other: Awaited<ReturnType<typeof cairn>> | undefined;
    // The laptop's backup is frozen holding its lock while the desktop's runs from start to end.
    const first = await killOnProgress(
      ['backup', laptop, '--repo', location],
      (p) => p.phase === 'backup',
      {
        env: machine('laptop'),
        signal: null,
        whileFrozen: async () => {
          other = await cairn(['backup', desktop, '--repo', location], { env: machine('desktop') });
        },
      },
    );
    expect(other?.code, other?.stderr).toBe(0);
    expect(first.code, first.stderr).toBe(0);

    const snaps = JSON.parse(
      (await cairnOk(['snapshots', '--repo', location, '--json'], { env: machine('laptop') }))
        .stdout,
    ) as Snapshot[];
    expect(snaps.map((s) => s.hostname).sort()).toEqual(['desktop', 'laptop']);
    for (const [host, src] of [
      ['laptop', laptop],
      ['desktop', desktop],
    ] as const) {
      const snap = snaps.find((s) => s.hostname === host)!;
      const out = path.join(dir, `restored-${host}`);
      await cairnOk(['restore', snap.id, '--target', out, '--repo', location], {
        env: machine(host),
      });
      expect(describeTree(path.join(out, path.basename(src)))).toEqual(describeTree(src));
    }
    expect(await lockNames()).toEqual([]);
  });

  it("prune refuses while another machine's backup holds its lock", async () => {
    let prune: Awaited<ReturnType<typeof cairn>> | undefined;
    const backup = await killOnProgress(
      ['backup', laptop, '--repo', location, '--force-full'],
      (p) => p.phase === 'backup',
      {
        env: machine('laptop'),
        signal: null,
        whileFrozen: async () => {
          prune = await cairn(['prune', '--repo', location], { env: machine('desktop') });
        },
      },
    );
    expect(backup.code, backup.stderr).toBe(0);
    expect(prune?.code).toBe(11);
    expect(prune?.stderr).toMatch(/locked by backup \(pid \d+ on laptop/);
  });

  it('a lock from a dead machine is judged by its heartbeat alone', async () => {
    // Recent: respected, though its pid is of no process on that machine that this one can see.
    const recent = await plantLock({
      pid: 999_999,
      heartbeat: new Date(Date.now() - 60_000).toISOString(),
    });
    const refused = await cairn(['backup', laptop, '--repo', location], { env: machine('laptop') });
    expect(refused.code).toBe(11);
    expect(refused.stderr).toMatch(/locked exclusively by prune \(pid 999999 on elsewhere/);
    const target = openRemoteTarget(location, s3, { spoolDir: path.join(dir, 'spool') })!;
    await target.remove('locks', recent);
    await target.close();

    // Two hours silent: stale, removed, and the backup goes ahead.
    const old = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const stale = await plantLock({ time: old, heartbeat: old });
    await cairnOk(['backup', laptop, '--repo', location], { env: machine('laptop') });
    expect(await lockNames()).not.toContain(stale);
    expect(await lockNames()).toEqual([]);
  });
});
