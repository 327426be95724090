/**
 * SFTP specifics through the CLI against `rclone serve sftp`: the server's host key is pinned
 * in Cairn's known_hosts on first use (in OpenSSH's format and fingerprint), a changed key is
 * refused naming both fingerprints, and every way of signing in works: a password, a key file
 * (with or without a passphrase), the ssh agent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  missingProgram,
  startRclone,
  type RunningServer,
} from '../fixtures/target-servers/servers.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { ed25519KeyPair } from '../helpers/ssh-key-pair.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-sftp-');
const skip = missingProgram('rclone');

/** Writes a new ed25519 key pair (OpenSSH format) and returns the private key's path. */
function newKey(name: string, passphrase?: string): string {
  const pair = ed25519KeyPair(passphrase);
  const file = path.join(dir, name);
  writeFileSync(file, pair.private, { mode: 0o600 });
  writeFileSync(`${file}.pub`, `${pair.public}\n`);
  return file;
}

/** OpenSSH's fingerprint of a public key file, computed here as ssh-keygen -l prints it. */
function fingerprintOf(publicKeyFile: string): string {
  const blob = Buffer.from(readFileSync(publicKeyFile, 'utf8').split(' ')[1]!, 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

describe('SFTP host keys', () => {
  let server: RunningServer | undefined;
  const home = path.join(dir, 'home-hostkey');
  const root = path.join(dir, 'served');

  afterAll(async () => {
    await server?.stop();
  });

  it('pins the key on first use, and refuses a changed one naming both', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const first = newKey('host-key-1');
    const second = newKey('host-key-2');
    server = await startRclone('sftp', { root, user: 'ana', pass: 'pw', hostKeys: [first] });
    const port = server.port;
    const location = `sftp:ana@127.0.0.1:${port}/repo`;
    const env = { CAIRN_HOME: home, CAIRN_SFTP_PASSWORD: 'pw' };

    await cairnOk(['init', '--repo', location], { env });
    const knownHosts = path.join(home, 'known_hosts');
    const pinned = readFileSync(knownHosts, 'utf8');
    expect(pinned).toBe(
      `[127.0.0.1]:${port} ${readFileSync(`${first}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')}\n`,
    );
    if (!spawnSync('ssh-keygen', ['-?']).error) {
      // Our fingerprints are OpenSSH's own.
      const listed = spawnSync('ssh-keygen', ['-l', '-f', `${first}.pub`], { encoding: 'utf8' });
      expect(listed.stdout).toContain(fingerprintOf(`${first}.pub`));
    }
    await cairnOk(['snapshots', '--repo', location], { env });

    // The same address, another machine's key.
    await server.stop();
    server = await startRclone('sftp', { root, user: 'ana', pass: 'pw', hostKeys: [second], port });
    const refused = await cairn(['snapshots', '--repo', location], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `cairn: refusing ${location}: its host key changed (pinned ${fingerprintOf(`${first}.pub`)}, ` +
        `now ${fingerprintOf(`${second}.pub`)}); if the server's key really changed, remove the ` +
        `line for [127.0.0.1]:${port} from ${knownHosts}\n`,
    );
    expect(readFileSync(knownHosts, 'utf8')).toBe(pinned);
  });
});

describe('SFTP sign-in', () => {
  let server: RunningServer | undefined;
  let agent: ChildProcess | undefined;
  const plainKey = path.join(dir, 'client-plain');
  const lockedKey = path.join(dir, 'client-locked');
  const agentKey = path.join(dir, 'client-agent');

  beforeAll(async () => {
    if (skip) return;
    newKey('client-plain');
    newKey('client-locked', 'key passphrase');
    newKey('client-agent');
    const authorized = path.join(dir, 'authorized_keys');
    writeFileSync(
      authorized,
      [plainKey, lockedKey, agentKey].map((k) => readFileSync(`${k}.pub`, 'utf8')).join(''),
    );
    server = await startRclone('sftp', {
      root: path.join(dir, 'keys-served'),
      authorizedKeys: authorized,
    });
  });
  afterAll(async () => {
    agent?.kill();
    await server?.stop();
  });

  const roundTrip = async (name: string, env: Record<string, string>) => {
    const location = `sftp:ana@127.0.0.1:${server!.port}/${name}`;
    const all = { ...env, CAIRN_HOME: path.join(dir, `home-${name}`) };
    await cairnOk(['init', '--repo', location], { env: all });
    const res = await cairnOk(['snapshots', '--json', '--repo', location], { env: all });
    expect(JSON.parse(res.stdout)).toEqual([]);
  };

  it('with a key file', async (ctx) => {
    if (skip) return ctx.skip(skip);
    await roundTrip('plain', { CAIRN_SFTP_KEY_FILE: plainKey });
  });

  it('with a key file and its passphrase; a wrong passphrase is named', async (ctx) => {
    if (skip) return ctx.skip(skip);
    await roundTrip('locked', {
      CAIRN_SFTP_KEY_FILE: lockedKey,
      CAIRN_SFTP_KEY_PASSPHRASE: 'key passphrase',
    });
    const wrong = await cairn(
      ['snapshots', '--repo', `sftp:ana@127.0.0.1:${server!.port}/locked`],
      {
        env: {
          CAIRN_HOME: path.join(dir, 'home-locked'),
          CAIRN_SFTP_KEY_FILE: lockedKey,
          CAIRN_SFTP_KEY_PASSPHRASE: 'not it',
        },
      },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`^cairn: cannot use the SSH key ${lockedKey}: .+\\n$`));
    expect(wrong.stderr).not.toContain('not it');
  });

  it('with the ssh agent', async (ctx) => {
    if (skip) return ctx.skip(skip);
    if (spawnSync('ssh-agent', ['-h']).error) return ctx.skip('ssh-agent is not installed');
    const socket = path.join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 500 && !existsSync(socket); i++)
      await new Promise((r) => setTimeout(r, 10));
    const added = spawnSync('ssh-add', [agentKey], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      encoding: 'utf8',
    });
    expect(added.status, added.stderr).toBe(0);
    await roundTrip('agent', { SSH_AUTH_SOCK: socket });
  });
});
