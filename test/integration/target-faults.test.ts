/**
 * Remote targets when the network or the server misbehaves: a proxy of our own between Cairn
 * and the real server answers 5xx, drops the connection in the middle of an upload, stalls,
 * cuts an answer short or damages an upload. Transient faults are retried until they pass;
 * when they do not, the error is one line naming the operation, the file and the target, and
 * nothing half-written is left under the file's name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CairnError } from '../../electron/engine/errors.js';
import {
  openRemoteTarget,
  type RemoteTargetSettings,
} from '../../electron/engine/targets/remote-location.js';
import type { Target } from '../../electron/engine/targets/target.js';
import {
  missingProgram,
  S3RVER_KEYS,
  startRclone,
  startS3rver,
  type RunningServer,
} from '../fixtures/target-servers/servers.js';
import { HttpFaultProxy, TcpFaultProxy } from '../helpers/fault-proxy.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-faults-');
const MiB = 1024 * 1024;

type SftpWrite = (...args: unknown[]) => void;
/** ssh2's SFTP client, whose write() the SFTP tests make fail as a server can (SSH_FX_FAILURE). */
const { SFTP } = createRequire(import.meta.url)('ssh2/lib/protocol/SFTP.js') as {
  SFTP: { prototype: { write: SftpWrite } };
};

/**
 * Runs `work` while the `nth` write request of an SFTP session and every `every`th after it
 * is answered with SSH_FX_FAILURE (code 4, "Failure") instead of being sent.
 */
async function failingWrites<T>(nth: number, every: number, work: () => Promise<T>): Promise<T> {
  const write = SFTP.prototype.write;
  let count = 0;
  SFTP.prototype.write = function (this: unknown, ...args: unknown[]) {
    count++;
    if (count >= nth && (count - nth) % every === 0) {
      const cb = args.at(-1) as (err: Error) => void;
      process.nextTick(() => cb(Object.assign(new Error('Failure'), { code: 4 })));
      return;
    }
    write.apply(this, args);
  };
  try {
    return await work();
  } finally {
    SFTP.prototype.write = write;
  }
}

const settings = (name: string): RemoteTargetSettings => ({
  retry: { baseDelayMs: 20 },
  timeoutMs: 1500,
  spoolDir: path.join(dir, 'spool', name),
  knownHostsFile: path.join(dir, 'known_hosts'),
});

function spooled(target: Target, bytes: Buffer): { file: string; id: string } {
  const file = path.join(target.spoolDir, `${randomBytes(8).toString('hex')}.tmp`);
  writeFileSync(file, bytes);
  return { file, id: createHash('sha256').update(bytes).digest('hex') };
}

async function failure(p: Promise<unknown>): Promise<CairnError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CairnError);
    return err as CairnError;
  }
  throw new Error('expected a failure');
}

interface HttpCase {
  name: string;
  /** The method that uploads. */
  upload: 'PUT' | 'POST';
  /** The method that places an upload under its name. */
  place: 'PUT' | 'POST' | 'MOVE';
  /** Whether a second config is refused (the store creates names exclusively). */
  exclusive: boolean;
  /** Whether a damaged upload is noticed (S3: its ETag is the MD5 of what arrived). */
  detectsDamage: boolean;
  start(): Promise<
    | { server: RunningServer; location: (port: number) => string; env: Record<string, string> }
    | string
  >;
}

const httpCases: HttpCase[] = [
  {
    name: 'S3 (s3rver)',
    upload: 'PUT',
    place: 'PUT',
    exclusive: false, // s3rver ignores If-None-Match
    detectsDamage: true,
    start: async () => ({
      server: await startS3rver(path.join(dir, 's3rver'), ['fault-bucket']),
      location: (port) => `s3:http://127.0.0.1:${port}/fault-bucket/repo`,
      env: { ...S3RVER_KEYS },
    }),
  },
  {
    name: 'WebDAV (rclone)',
    upload: 'PUT',
    place: 'MOVE',
    exclusive: true,
    detectsDamage: false,
    start: async () =>
      missingProgram('rclone') ?? {
        server: await startRclone('webdav', { root: path.join(dir, 'webdav') }),
        location: (port) => `webdav:http://127.0.0.1:${port}/repo`,
        env: {},
      },
  },
  {
    name: 'REST (rclone)',
    upload: 'POST',
    place: 'POST',
    exclusive: false,
    detectsDamage: false,
    start: async () =>
      missingProgram('rclone') ?? {
        server: await startRclone('restic', {
          root: path.join(dir, 'rest'),
          user: 'ana',
          pass: 'rest-secret',
        }),
        location: (port) => `rest:http://ana:rest-secret@127.0.0.1:${port}/repo`,
        env: {},
      },
  },
];

for (const c of httpCases) {
  describe(`${c.name} through a faulty network`, () => {
    let skip: string | undefined;
    let server: RunningServer;
    let proxy: HttpFaultProxy;
    let target: Target;
    /** The same repository, reached directly. */
    let direct: Target;
    const data = { path: /\/data\// };
    const upload = { method: c.upload, ...data };
    const download = { method: 'GET', ...data };

    beforeAll(async () => {
      const started = await c.start();
      if (typeof started === 'string') {
        skip = started;
        return;
      }
      server = started.server;
      proxy = await HttpFaultProxy.start(server.port);
      const name = c.name.replace(/\W+/g, '-');
      target = openRemoteTarget(started.location(proxy.port), started.env, settings(name))!;
      direct = openRemoteTarget(started.location(server.port), started.env, settings(name))!;
      await target.create();
    });
    afterAll(async () => {
      await target?.close();
      await direct?.close();
      await proxy?.stop();
      await server?.stop();
    });

    const test = (title: string, fn: () => Promise<void>) =>
      it(title, async (ctx) => {
        if (skip) return ctx.skip(skip);
        proxy.clear();
        await fn();
      });

    test('an answer lost after the file was placed: the retry finds it complete', async () => {
      const config = Buffer.from(`config of ${c.name}`);
      // WebDAV moves the upload's temporary name; S3 adds a query.
      const placing = { method: c.place, path: /\/config(\.[0-9a-f]+\.tmp)?(\?|$)/ };
      proxy.inject(placing, { kind: 'lose-answer' }, 1);
      await target.save('config', 'config', config);
      expect((await direct.load('config', 'config')).equals(config)).toBe(true);
      expect(proxy.count(placing)).toBe(2);

      const bytes = randomBytes(MiB);
      const { file, id } = spooled(target, bytes);
      proxy.inject({ method: c.place, path: data.path }, { kind: 'lose-answer' }, 1);
      await target.adopt('data', id, file);
      expect((await direct.load('data', id)).equals(bytes)).toBe(true);

      if (c.exclusive) {
        // …while another repository's config is still refused.
        const other = await failure(target.save('config', 'config', Buffer.from('another')));
        expect(other.kind).toBe('repository-exists');
        expect((await direct.load('config', 'config')).equals(config)).toBe(true);
      }
    });

    test('503 twice, then the upload goes through', async () => {
      const bytes = randomBytes(2 * MiB);
      const { file, id } = spooled(target, bytes);
      proxy.inject(upload, { kind: 'status', status: 503 }, 2);
      await target.adopt('data', id, file);
      expect((await direct.load('data', id)).equals(bytes)).toBe(true);
      expect(proxy.count({ method: c.upload, path: new RegExp(id) })).toBeGreaterThanOrEqual(3);
    });

    test('a connection dropped mid-upload is retried', async () => {
      const bytes = randomBytes(6 * MiB);
      const { file, id } = spooled(target, bytes);
      proxy.inject(upload, { kind: 'reset-mid-request' }, 1);
      await target.adopt('data', id, file);
      expect((await direct.load('data', id)).equals(bytes)).toBe(true);
    });

    test('a stalled answer is given up and asked again', async () => {
      const bytes = randomBytes(100_000);
      const { file, id } = spooled(target, bytes);
      await target.adopt('data', id, file);
      proxy.inject(download, { kind: 'stall' }, 1);
      const got = await target.load('data', id, { offset: 10, length: 50_000 });
      expect(got.equals(bytes.subarray(10, 50_010))).toBe(true);
    });

    test('an answer cut short is read again, never taken for the whole', async () => {
      const bytes = randomBytes(3 * MiB);
      const { file, id } = spooled(target, bytes);
      await target.adopt('data', id, file);
      proxy.inject(download, { kind: 'truncate-answer' }, 2);
      expect((await target.load('data', id)).equals(bytes)).toBe(true);
    });

    test('an upload damaged on the way is noticed and sent again', async () => {
      if (!c.detectsDamage) return; // the protocol carries no hash the server checks
      for (const size of [100_000, 6 * MiB]) {
        const bytes = randomBytes(size);
        const { file, id } = spooled(target, bytes);
        proxy.inject(upload, { kind: 'flip-byte' }, 1);
        await target.adopt('data', id, file);
        expect((await direct.load('data', id)).equals(bytes)).toBe(true);
      }
    });

    test('a store that does not do conditional writes (501) gets plain ones', async () => {
      if (c.upload !== 'PUT' || !c.name.startsWith('S3')) return;
      const bytes = randomBytes(300_000);
      const { file, id } = spooled(target, bytes);
      proxy.inject(
        { ...upload, header: 'if-none-match' },
        { kind: 'status', status: 501 },
        Infinity,
      );
      await target.adopt('data', id, file);
      expect((await direct.load('data', id)).equals(bytes)).toBe(true);
    });

    test('a MOVE answered 423 Locked (another client placing that name) is tried again', async () => {
      if (c.place !== 'MOVE') return;
      const bytes = randomBytes(100_000);
      const { file, id } = spooled(target, bytes);
      proxy.inject({ method: 'MOVE', path: data.path }, { kind: 'status', status: 423 }, 1);
      await target.adopt('data', id, file);
      expect((await direct.load('data', id)).equals(bytes)).toBe(true);
      // The loser of two clients creating the config at once: 423 while the winner's MOVE
      // runs, then the name is taken, which is what it must report.
      await direct.save('config', 'config', Buffer.from('the winner')).catch(() => undefined);
      proxy.inject({ method: 'MOVE', path: /\/config/ }, { kind: 'status', status: 423 }, 1);
      const lost = await failure(target.save('config', 'config', Buffer.from('the loser')));
      expect(lost.kind).toBe('repository-exists');
    });

    test('when it gives up: one line naming file, target and cause; nothing left', async () => {
      const bytes = randomBytes(MiB);
      const { file, id } = spooled(target, bytes);
      proxy.inject(upload, { kind: 'status', status: 503 }, Infinity);
      const err = await failure(target.adopt('data', id, file));
      expect(err.kind).toBe('target-unreachable');
      expect(err.message).toBe(
        `cannot upload data/${id.slice(0, 12)}… to ${target.displayName}: 503 Service Unavailable after 5 attempts`,
      );
      expect(err.message).not.toContain('rest-secret');
      expect(existsSync(file)).toBe(false);
      proxy.clear();
      expect((await direct.list('data')).map((f) => f.name)).not.toContain(id);
    });

    test('an upload dropped every time leaves nothing under its name', async () => {
      const bytes = randomBytes(4 * MiB);
      const { file, id } = spooled(target, bytes);
      proxy.inject(upload, { kind: 'reset-mid-request' }, Infinity);
      const err = await failure(target.adopt('data', id, file));
      expect(err.message).toMatch(
        new RegExp(`^cannot upload data/${id.slice(0, 12)}… to .*: .* after 5 attempts$`),
      );
      proxy.clear();
      expect((await direct.list('data')).map((f) => f.name)).not.toContain(id);
    });
  });
}

describe('SFTP (rclone) through a faulty network', () => {
  let skip: string | undefined;
  let server: RunningServer;
  let proxy: TcpFaultProxy;
  let target: Target;
  let direct: Target;

  beforeAll(async () => {
    skip = missingProgram('rclone');
    if (skip) return;
    server = await startRclone('sftp', { root: path.join(dir, 'sftp'), user: 'ana', pass: 'pw' });
    proxy = await TcpFaultProxy.start(server.port);
    const env = { CAIRN_SFTP_PASSWORD: 'pw' };
    target = openRemoteTarget(`sftp:ana@127.0.0.1:${proxy.port}/repo`, env, settings('sftp'))!;
    direct = openRemoteTarget(`sftp:ana@127.0.0.1:${server.port}/repo`, env, settings('sftp'))!;
    await target.create();
  });
  afterAll(async () => {
    await target?.close();
    await direct?.close();
    await proxy?.stop();
    await server?.stop();
  });

  it('a connection cut mid-upload is opened again and the upload finished', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const bytes = randomBytes(6 * MiB);
    const { file, id } = spooled(target, bytes);
    proxy.cutAfter(2 * MiB, 1);
    await target.adopt('data', id, file);
    expect((await direct.load('data', id)).equals(bytes)).toBe(true);
  });

  it('a write the server fails (SSH_FX_FAILURE) starts the upload again', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const bytes = randomBytes(3 * MiB);
    const { file, id } = spooled(direct, bytes);
    // The 20th write of the first attempt fails; the next attempt writes all of it again.
    await failingWrites(20, Infinity, () => direct.adopt('data', id, file));
    expect((await direct.load('data', id)).equals(bytes)).toBe(true);
  });

  it('writes failing every time: gives up in one line, nothing under the name', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const bytes = randomBytes(MiB);
    const { file, id } = spooled(direct, bytes);
    const err = await failure(failingWrites(3, 3, () => direct.adopt('data', id, file)));
    expect(err.message).toBe(
      `cannot upload data/${id.slice(0, 12)}… to sftp:ana@127.0.0.1:${server.port}/repo: the server failed a write (Failure) after 5 attempts`,
    );
    expect((await direct.list('data')).map((f) => f.name)).not.toContain(id);
  });

  it('cut every time: gives up in one line, and nothing is under the name', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const bytes = randomBytes(3 * MiB);
    const { file, id } = spooled(target, bytes);
    proxy.cutAfter(MiB, Infinity);
    const err = await failure(target.adopt('data', id, file));
    expect(err.message).toMatch(
      new RegExp(
        `^cannot upload data/${id.slice(0, 12)}… to sftp:ana@127\\.0\\.0\\.1:${proxy.port}/repo: .+ after 5 attempts$`,
      ),
    );
    proxy.clear();
    expect((await direct.list('data')).map((f) => f.name)).not.toContain(id);
  });
});
