/**
 * What the app asks before it trusts an SFTP server: the host key the server shows, checked
 * against Cairn's known_hosts without pinning it (the handshake stops at the key, nothing is
 * logged in to), and, once the person confirmed the fingerprint, pinning exactly that key. The
 * CLI keeps trusting on first use (sftp-target.ts); the app shows the fingerprint first.
 */
import path from 'node:path';
import { CairnError, errorMessage } from '../errors.js';
import { cairnHome } from '../util/paths.js';
import { sftpServer } from './remote-location.js';
import { fingerprint, keyType, KnownHosts } from './sftp-known-hosts.js';

export interface HostKeyProbe {
  host: string;
  port: number;
  /** OpenSSH's form, SHA256:… */
  fingerprint: string;
  keyType: string;
  /** known: pinned already; new: never seen; changed: another key is pinned (refused). */
  status: 'known' | 'new' | 'changed';
  /** For `changed`: the fingerprints pinned before. */
  pinned: string[];
}

const probeTimeoutMs = 20_000;

function knownHosts(file?: string): KnownHosts {
  return new KnownHosts(file ?? path.join(cairnHome(), 'known_hosts'));
}

async function fetchHostKey(
  location: string,
): Promise<{ host: string; port: number; key: Buffer }> {
  const { host, port, displayName } = sftpServer(location);
  const { Client } = await import('ssh2');
  const client = new Client();
  return new Promise((resolve, reject) => {
    let key: Buffer | undefined;
    const done = (): void => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end();
      if (key) resolve({ host, port, key });
      else reject(new CairnError('target-unreachable', `cannot reach ${displayName}`));
    };
    client.on('error', (err) => {
      if (key) return done();
      client.removeAllListeners();
      client.on('error', () => undefined);
      reject(
        new CairnError('target-unreachable', `cannot reach ${displayName}: ${errorMessage(err)}`),
      );
    });
    client.on('close', done);
    client.connect({
      host,
      port,
      username: 'cairn-host-key-probe',
      readyTimeout: probeTimeoutMs,
      hostVerifier: (shown: Buffer) => {
        key = Buffer.from(shown);
        return false; // Stop here: nothing is sent before the key is trusted.
      },
    });
  });
}

/** The server's host key and whether Cairn knows it; pins nothing. */
export async function probeHostKey(
  location: string,
  knownHostsFile?: string,
): Promise<HostKeyProbe> {
  const { host, port, key } = await fetchHostKey(location);
  const check = knownHosts(knownHostsFile).check(host, port, key);
  return {
    host,
    port,
    fingerprint: fingerprint(key),
    keyType: keyType(key),
    status: check.status,
    pinned: check.status === 'changed' ? check.pinned : [],
  };
}

/**
 * Pins the server's key, provided it is still the one whose fingerprint the person confirmed;
 * a changed pinned key is never replaced from here.
 */
export async function trustHostKey(
  location: string,
  confirmed: string,
  knownHostsFile?: string,
): Promise<HostKeyProbe> {
  const { host, port, key } = await fetchHostKey(location);
  const hosts = knownHosts(knownHostsFile);
  const shown = fingerprint(key);
  if (shown !== confirmed) {
    throw new CairnError(
      'target-unreachable',
      `the server ${host}:${port} now shows the host key ${shown}, not the ${confirmed} you confirmed; nothing was trusted`,
    );
  }
  const check = hosts.check(host, port, key);
  if (check.status === 'changed') {
    throw new CairnError(
      'target-unreachable',
      `the server ${host}:${port} shows ${shown} but ${check.pinned.join(', ')} is pinned; remove its line from ${hosts.file} if the change is expected`,
    );
  }
  if (check.status === 'new') hosts.pin(host, port, key);
  return { host, port, fingerprint: shown, keyType: keyType(key), status: 'known', pinned: [] };
}
