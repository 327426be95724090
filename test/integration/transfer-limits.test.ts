/**
 * `--limit-upload` and `--limit-download` (KiB/s) against a REST server: a backup of 2 MiB
 * at 128 KiB/s and a restore of it at 128 KiB/s each take at least about half the time the
 * limit implies (only a lenient lower bound: a busy machine may make anything slower), and
 * what comes back is still exact. A rate that is no number is refused in one line.
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
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-limits-');
const src = path.join(dir, 'src');
const KiB = 1024;
const SIZE = 2048 * KiB;
const RATE = 128; // KiB/s: SIZE takes 16 s, several times what it takes unlimited

describe.skipIf(missingProgram('rclone'))('transfer limits', () => {
  let server: RunningServer;
  let location = '';
  // No metadata cache in common between runs: each measures its own transfer.
  const env = (name: string) => ({ CAIRN_HOME: path.join(dir, `home-${name}`) });

  beforeAll(async () => {
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'random.bin'), randomBytes(SIZE));
    server = await startRclone('restic', { root: path.join(dir, 'rest') });
    location = `rest:http://127.0.0.1:${server.port}/repo`;
    await cairnOk(['init', '--repo', location], { env: env('init') });
  });
  afterAll(async () => {
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

  it('--limit-download paces a restore, which is still exact', async () => {
    const out = path.join(dir, 'out');
    const seconds = await timed(
      ['restore', 'latest', '--target', out, '--repo', location, `--limit-download=${RATE}`],
      'down',
    );
    expect(seconds).toBeGreaterThanOrEqual((SIZE / KiB / RATE) * 0.5);
    expect(describeTree(path.join(out, 'src'))).toEqual(describeTree(src));
  });

  it('a rate that is not a positive number is refused in one line', async () => {
    const res = await cairn(['snapshots', '--repo', location, '--limit-upload', 'fast']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'cairn: --limit-upload needs a rate in KiB/s greater than 0, not "fast"\n',
    );
  });
});
