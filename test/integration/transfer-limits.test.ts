/**
 * `--limit-upload` and `--limit-download` (KiB/s) against a REST server: a backup of 2 MiB
 * at 128 KiB/s and a restore of it at 128 KiB/s each take at least about half the time the
 * limit implies (only a lenient lower bound: a busy machine may make anything slower), and
 * what comes back is still exact. The restore's bytes are paced on the wire (counted by a
 * TCP proxy), not fetched at full speed and waited for afterwards: no second of it carries
 * more than half the file. A rate that is no number is refused in one line.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  missingProgram,
  startRclone,
  type RunningServer,
} from '../fixtures/target-servers/servers.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { TcpFaultProxy } from '../helpers/fault-proxy.js';
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-limits-');
const src = path.join(dir, 'src');
const KiB = 1024;
const SIZE = 2048 * KiB;
const RATE = 128; // KiB/s: SIZE takes 16 s, several times what it takes unlimited

describe.skipIf(missingProgram('rclone'))('transfer limits', () => {
  let server: RunningServer;
  let proxy: TcpFaultProxy;
  let location = '';
  // No metadata cache in common between runs: each measures its own transfer.
  const env = (name: string) => ({ CAIRN_HOME: path.join(dir, `home-${name}`) });

  beforeAll(async () => {
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'random.bin'), randomBytes(SIZE));
    server = await startRclone('restic', { root: path.join(dir, 'rest') });
    location = `rest:http://127.0.0.1:${server.port}/repo`;
    proxy = await TcpFaultProxy.start(server.port);
    await cairnOk(['init', '--repo', location], { env: env('init') });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  const timed = async (args: string[], name: string): Promise<number> => {
    const started = performance.now();
    await cairnOk(args, { env: env(name) });
    return (performance.now() - started) / 1000;
  };

  it('--limit-upload paces a backup', async () => {
    const seconds = await timed(
      ['backup', src, '--repo', location, '--limit-upload', String(RATE)],
      'up',
    );
    expect(seconds).toBeGreaterThanOrEqual((SIZE / KiB / RATE) * 0.5);
  });

  it('--limit-download paces a restore on the wire, which is still exact', async () => {
    const out = path.join(dir, 'out');
    const through = `rest:http://127.0.0.1:${proxy.port}/repo`;
    const seconds = await timed(
      ['restore', 'latest', '--target', out, '--repo', through, `--limit-download=${RATE}`],
      'down',
    );
    expect(seconds).toBeGreaterThanOrEqual((SIZE / KiB / RATE) * 0.5);
    expect(describeTree(path.join(out, 'src'))).toEqual(describeTree(src));
    // The most the server sent within any one second: at 128 KiB/s about 128 KiB and the
    // pieces in flight; fetched whole and paced afterwards, it was the whole file at once.
    const log = proxy.fromServer;
    let most = 0;
    for (let i = 0, j = 0, sum = 0; i < log.length; i++) {
      sum += log[i]!.bytes;
      while (log[i]!.at - log[j]!.at > 1000) sum -= log[j++]!.bytes;
      most = Math.max(most, sum);
    }
    expect(log.reduce((n, e) => n + e.bytes, 0)).toBeGreaterThan(SIZE);
    expect(most).toBeLessThan(SIZE / 2);
  });

  it('a rate that is not a positive number is refused in one line', async () => {
    const res = await cairn(['snapshots', '--repo', location, '--limit-upload', 'fast']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'cairn: --limit-upload needs a rate in KiB/s greater than 0, not "fast"\n',
    );
  });
});
