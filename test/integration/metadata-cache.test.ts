/**
 * The local metadata cache of a remote repository (CAIRN_HOME/cache/<repository id>/): an
 * unchanged re-backup to a REST server moves under 1 % of the repository's size over the wire
 * (counted by a proxy between Cairn and `rclone serve restic`); a damaged cache entry is never
 * trusted but read again from the server; files gone from the repository leave the cache.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-cache-');
const src = path.join(dir, 'src');
const home = path.join(dir, 'home');
const root = path.join(dir, 'rest');
const env = { CAIRN_HOME: home };

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

const bytesUnder = (folder: string): number =>
  filesUnder(folder).reduce((sum, f) => sum + statSync(f).size, 0);

describe.skipIf(missingProgram('rclone'))('the metadata cache of a remote repository', () => {
  let server: RunningServer;
  let proxy: HttpFaultProxy;
  let location = '';
  let cacheDir = '';

  const moved = async (op: () => Promise<unknown>): Promise<number> => {
    const before = proxy.bytesUp + proxy.bytesDown;
    await op();
    return proxy.bytesUp + proxy.bytesDown - before;
  };

  beforeAll(async () => {
    // Many small files: trees and index entries are then a good part of the repository, as
    // in a home folder, so fetching them again would show.
    for (let d = 0; d < 30; d++) {
      mkdirSync(path.join(src, `folder-${d}`), { recursive: true });
      for (let i = 0; i < 50; i++)
        writeFileSync(path.join(src, `folder-${d}`, `file-${i}.bin`), randomBytes(2048 + i * 40));
    }
    server = await startRclone('restic', { root });
    proxy = await HttpFaultProxy.start(server.port);
    location = `rest:http://127.0.0.1:${proxy.port}/repo`;
    await cairnOk(['init', '--repo', location], { env });
    await cairnOk(['backup', src, '--repo', location], { env });
    const [id] = readdirSync(path.join(home, 'cache'));
    cacheDir = path.join(home, 'cache', id!);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('holds sealed metadata only, each index and snapshot file named by its hash', () => {
    const entries = filesUnder(cacheDir);
    expect(entries.some((f) => f.includes(`${path.sep}trees${path.sep}`))).toBe(true);
    for (const f of entries.filter((e) => !e.includes(`${path.sep}trees${path.sep}`)))
      expect(createHash('sha256').update(readFileSync(f)).digest('hex')).toBe(path.basename(f));
    // Nothing of the data's names is readable in it.
    for (const f of entries) expect(readFileSync(f).includes('folder-1')).toBe(false);
  });

  it('an unchanged re-backup moves under 1 % of the repository over the wire', async () => {
    const size = bytesUnder(path.join(root, 'repo'));
    const bytes = await moved(() => cairnOk(['backup', src, '--repo', location], { env }));
    expect(bytes).toBeLessThan(size / 100);
  });

  it('a damaged cache entry is read again from the server, never trusted', async () => {
    const entries = filesUnder(cacheDir);
    for (const f of entries) {
      const data = readFileSync(f);
      data[Math.floor(data.length / 2)]! ^= 0x01;
      writeFileSync(f, data);
    }
    const out = path.join(dir, 'out');
    const bytes = await moved(() =>
      cairnOk(['restore', 'latest', '--target', out, '--repo', location], { env }),
    );
    expect(describeTree(path.join(out, 'src'))).toEqual(describeTree(src));
    expect(bytes).toBeGreaterThan(bytesUnder(path.join(root, 'repo', 'index')));
    // Replaced with the server's own bytes.
    for (const f of filesUnder(cacheDir).filter((e) => e.includes(`${path.sep}index${path.sep}`)))
      expect(createHash('sha256').update(readFileSync(f)).digest('hex')).toBe(path.basename(f));
  });

  it('a snapshot forgotten in the repository leaves the cache', async () => {
    const list = JSON.parse(
      (await cairnOk(['snapshots', '--repo', location, '--json'], { env })).stdout,
    ) as Snapshot[];
    expect(readdirSync(path.join(cacheDir, 'snapshots')).sort()).toEqual(
      list.map((s) => s.id).sort(),
    );
    await cairnOk(['forget', '--keep-last', '1', '--repo', location], { env });
    await cairnOk(['snapshots', '--repo', location], { env });
    expect(readdirSync(path.join(cacheDir, 'snapshots'))).toEqual([list.at(-1)!.id]);
  });
});
