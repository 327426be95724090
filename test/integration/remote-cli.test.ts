/**
 * The `cairn` command line on every remote target, each on its real server: init, backup,
 * snapshots, restore (the exact bytes come back) and check --read-data; a password written
 * into a location never appears in any output. `init` says in words what is wrong with a
 * location (credentials refused, nothing listening, no such bucket), and a backup that fails
 * because the target keeps failing leaves every earlier snapshot restorable.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  missingProgram,
  S3RVER_KEYS,
  startRclone,
  startS3rver,
  type RunningServer,
} from '../fixtures/target-servers/servers.js';
import { cairn, cairnOk, type CliResult } from '../helpers/cairn-cli.js';
import { HttpFaultProxy } from '../helpers/fault-proxy.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-remote-cli-');
const MiB = 1024 * 1024;
const src = path.join(dir, 'src');

beforeAll(() => {
  mkdirSync(path.join(src, 'nested', 'deeper'), { recursive: true });
  writeFileSync(path.join(src, 'large.bin'), randomBytes(9 * MiB));
  for (let i = 0; i < 30; i++) {
    writeFileSync(path.join(src, 'nested', `note-${i}.txt`), `note ${i}\n`.repeat(i * 40));
  }
  writeFileSync(path.join(src, 'nested', 'deeper', 'empty'), '');
});

/** A free port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface RemoteCase {
  name: string;
  /** Starts the server; the location, the environment, and a secret no output may show. */
  start(): Promise<
    | { server: RunningServer; location: string; env: Record<string, string>; secret: string }
    | string
  >;
}

const cases: RemoteCase[] = [
  {
    name: 'S3 (s3rver)',
    start: async () => {
      const server = await startS3rver(path.join(dir, 's3rver'), ['cli-bucket']);
      return {
        server,
        location: `s3:http://127.0.0.1:${server.port}/cli-bucket/laptop`,
        env: { ...S3RVER_KEYS, CAIRN_S3_PATH_STYLE: '1' },
        secret: S3RVER_KEYS.AWS_SECRET_ACCESS_KEY + '-not-shown',
      };
    },
  },
  {
    name: 'WebDAV (rclone), password in the location',
    start: async () => {
      const missing = missingProgram('rclone');
      if (missing) return missing;
      const server = await startRclone('webdav', {
        root: path.join(dir, 'webdav'),
        user: 'ana',
        pass: 'dav-Secret-42',
      });
      return {
        server,
        location: `webdav:http://ana:dav-Secret-42@127.0.0.1:${server.port}/backups/laptop`,
        env: {},
        secret: 'dav-Secret-42',
      };
    },
  },
  {
    name: 'REST (rclone serve restic), password in the location',
    start: async () => {
      const missing = missingProgram('rclone');
      if (missing) return missing;
      const server = await startRclone('restic', {
        root: path.join(dir, 'rest'),
        user: 'ana',
        pass: 'rest-Secret-42',
      });
      return {
        server,
        location: `rest:http://ana:rest-Secret-42@127.0.0.1:${server.port}/laptop`,
        env: {},
        secret: 'rest-Secret-42',
      };
    },
  },
  {
    name: 'SFTP (rclone), password from CAIRN_SFTP_PASSWORD',
    start: async () => {
      const missing = missingProgram('rclone');
      if (missing) return missing;
      const server = await startRclone('sftp', {
        root: path.join(dir, 'sftp'),
        user: 'ana',
        pass: 'sftp-Secret-42',
      });
      return {
        server,
        location: `sftp:ana@127.0.0.1:${server.port}/srv/laptop`,
        env: { CAIRN_SFTP_PASSWORD: 'sftp-Secret-42' },
        secret: 'sftp-Secret-42',
      };
    },
  },
];

for (const c of cases) {
  describe(`cairn on ${c.name}`, () => {
    let skip: string | undefined;
    let server: RunningServer | undefined;
    let location = '';
    let secret = '';
    let env: Record<string, string> = {};
    const outputs: CliResult[] = [];
    const home = path.join(dir, `home-${c.name.replace(/\W+/g, '-')}`);

    const run = async (args: string[], expected = 0): Promise<CliResult> => {
      const res = await cairnOk(
        [...args, '--repo', location],
        {
          env: { ...env, CAIRN_HOME: home },
        },
        expected,
      );
      outputs.push(res);
      return res;
    };

    beforeAll(async () => {
      const started = await c.start();
      if (typeof started === 'string') skip = started;
      else ({ server, location, env, secret } = started);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('init, backup twice, snapshots, restore exactly, check --read-data', async (ctx) => {
      if (skip) return ctx.skip(skip);
      const init = await run(['init']);
      expect(init.stdout).toMatch(/^created repository [0-9a-f]{10} at /);
      await run(['backup', src]);
      writeFileSync(path.join(src, 'nested', 'note-3.txt'), 'changed after the first backup\n');
      await run(['backup', src]);

      const list = JSON.parse((await run(['snapshots', '--json'])).stdout) as unknown[];
      expect(list).toHaveLength(2);

      const out = path.join(dir, `restored-${c.name.replace(/\W+/g, '-')}`);
      await run(['restore', 'latest', '--target', out]);
      expect(describeTree(path.join(out, 'src'), { mtimes: true })).toEqual(
        describeTree(src, { mtimes: true }),
      );

      const check = await run(['check', '--read-data']);
      expect(check.stdout).toMatch(/no errors/);

      for (const res of outputs) {
        expect(res.stdout + res.stderr).not.toContain(secret);
      }
    });
  });
}

describe('cairn init says what is wrong with a remote location', () => {
  let s3: RunningServer;
  let rest: RunningServer | undefined;
  let sftp: RunningServer | undefined;
  const rcloneMissing = missingProgram('rclone');

  beforeAll(async () => {
    s3 = await startS3rver(path.join(dir, 's3-init'), ['init-bucket']);
    if (!rcloneMissing) {
      rest = await startRclone('restic', {
        root: path.join(dir, 'rest-init'),
        user: 'ana',
        pass: 'right',
      });
      sftp = await startRclone('sftp', {
        root: path.join(dir, 'sftp-init'),
        user: 'ana',
        pass: 'right',
      });
    }
  });
  afterAll(async () => {
    await s3?.stop();
    await rest?.stop();
    await sftp?.stop();
  });

  const init = (location: string, env: Record<string, string> = {}) =>
    cairn(['init', '--repo', location], {
      env: { ...env, CAIRN_HOME: path.join(dir, 'home-init') },
    });

  it('credentials refused (REST), without showing the password', async (ctx) => {
    if (rcloneMissing) return ctx.skip(rcloneMissing);
    const res = await init(`rest:http://ana:wrong-Pass-1@127.0.0.1:${rest!.port}/repo`);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot connect to rest:http://ana:***@127.0.0.1:${rest!.port}/repo: the server ` +
        'refused the credentials (401 Unauthorized); set CAIRN_TARGET_USER and ' +
        'CAIRN_TARGET_PASSWORD, or put user:password@ in the location\n',
    );
  });

  it('credentials refused (S3 access key, SFTP password)', async (ctx) => {
    const s3res = await init(`s3:http://127.0.0.1:${s3.port}/init-bucket`, {
      AWS_ACCESS_KEY_ID: 'NOBODY',
      AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    });
    expect(s3res.code).toBe(1);
    expect(s3res.stderr).toMatch(
      /^cairn: cannot connect to s3:http:\/\/127\.0\.0\.1:\d+\/init-bucket: the server refused the credentials \(403 InvalidAccessKeyId\); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n$/,
    );
    expect(s3res.stderr).not.toContain('not-the-secret');
    if (rcloneMissing) return ctx.skip(rcloneMissing);
    const sftpRes = await init(`sftp:ana@127.0.0.1:${sftp!.port}/repo`, {
      CAIRN_SFTP_PASSWORD: 'wrong-Pass-2',
    });
    expect(sftpRes.code).toBe(1);
    expect(sftpRes.stderr).toBe(
      `cairn: cannot connect to sftp:ana@127.0.0.1:${sftp!.port}/repo: the server refused the ` +
        'credentials (SSH authentication failed); set CAIRN_SFTP_PASSWORD or CAIRN_SFTP_KEY_FILE, ' +
        'or add a key to the ssh agent\n',
    );
  });

  it('nothing listening there', async () => {
    const port = await closedPort();
    const res = await init(`webdav:http://ana:pw-Secret@127.0.0.1:${port}/repo`);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot connect to webdav:http://ana:***@127.0.0.1:${port}/repo: connection refused\n`,
    );
  });

  it('no such bucket', async () => {
    const res = await init(`s3:http://127.0.0.1:${s3.port}/no-such-bucket/repo`, S3RVER_KEYS);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: cannot connect to s3:http://127.0.0.1:${s3.port}/no-such-bucket/repo: ` +
        'bucket "no-such-bucket" does not exist\n',
    );
  });
});

describe('a backup that fails because the target keeps failing', () => {
  let server: RunningServer | undefined;
  let proxy: HttpFaultProxy | undefined;
  const skip = missingProgram('rclone');

  beforeAll(async () => {
    if (skip) return;
    server = await startRclone('restic', {
      root: path.join(dir, 'rest-fail'),
      user: 'ana',
      pass: 'Fail-Secret',
    });
    proxy = await HttpFaultProxy.start(server.port);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('exits 1 with one line, and every earlier snapshot stays restorable', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const location = `rest:http://ana:Fail-Secret@127.0.0.1:${proxy!.port}/repo`;
    const env = { CAIRN_HOME: path.join(dir, 'home-fail') };
    const first = path.join(dir, 'fail-src');
    mkdirSync(first);
    writeFileSync(path.join(first, 'a.bin'), randomBytes(3 * MiB));
    writeFileSync(path.join(first, 'b.txt'), 'first version\n');
    await cairnOk(['init', '--repo', location], { env });
    await cairnOk(['backup', first, '--repo', location], { env });
    const before = describeTree(first);

    writeFileSync(path.join(first, 'b.txt'), 'second version, never stored\n');
    writeFileSync(path.join(first, 'c.bin'), randomBytes(2 * MiB));
    proxy!.inject({ method: 'POST', path: /\/data\// }, { kind: 'status', status: 503 }, Infinity);
    const failed = await cairn(['backup', first, '--repo', location], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      new RegExp(
        `^cairn: cannot upload data/[0-9a-f]{12}… to rest:http://ana:\\*\\*\\*@127\\.0\\.0\\.1:${proxy!.port}/repo: 503 Service Unavailable after 5 attempts\\n$`,
      ),
    );
    proxy!.clear();

    const snaps = JSON.parse(
      (await cairnOk(['snapshots', '--json', '--repo', location], { env })).stdout,
    ) as unknown[];
    expect(snaps).toHaveLength(1);
    const out = path.join(dir, 'fail-restored');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', location], { env });
    expect(describeTree(path.join(out, 'fail-src'))).toEqual(before);
    const check = await cairnOk(['check', '--read-data', '--repo', location], { env });
    expect(check.stdout).toMatch(/no errors/);
    expect(failed.stderr + check.stdout + check.stderr).not.toContain('Fail-Secret');
  });
});

describe('Ctrl-C during a backup to a remote target', () => {
  let server: RunningServer | undefined;
  const skip = missingProgram('rclone');
  const served = path.join(dir, 'rest-cancel');

  beforeAll(async () => {
    if (!skip) server = await startRclone('restic', { root: served });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('leaves no spool file, no lock and no new snapshot', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const location = `rest:http://127.0.0.1:${server!.port}/repo`;
    const home = path.join(dir, 'home-cancel');
    const env = { CAIRN_HOME: home };
    const cancelSrc = path.join(dir, 'cancel-src');
    mkdirSync(cancelSrc);
    writeFileSync(path.join(cancelSrc, 'first.txt'), 'the first snapshot\n');
    await cairnOk(['init', '--repo', location], { env });
    await cairnOk(['backup', cancelSrc, '--repo', location], { env });
    writeFileSync(path.join(cancelSrc, 'large.bin'), randomBytes(96 * MiB));

    const run = await killOnProgress(
      ['backup', cancelSrc, '--repo', location],
      (p) => p.phase === 'backup' && p.bytes_done >= 40 * MiB,
      { signal: 'SIGINT', env },
    );
    expect(run.killed).toBe(true);
    expect(run.code).toBe(130);
    const spool = path.join(home, 'spool');
    const left = readdirSync(spool, { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
    expect(left).toEqual([]);
    expect(readdirSync(path.join(served, 'repo', 'locks'))).toEqual([]);
    const snaps = JSON.parse(
      (await cairnOk(['snapshots', '--json', '--repo', location], { env })).stdout,
    ) as unknown[];
    expect(snaps).toHaveLength(1);
    const check = await cairnOk(['check', '--read-data', '--repo', location], { env });
    expect(check.stdout).toMatch(/no errors/);
  });
});
