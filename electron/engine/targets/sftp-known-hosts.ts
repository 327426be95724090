/**
 * SFTP host keys, trusted on first use and pinned in Cairn's own `known_hosts` (OpenSSH's
 * format: `host key-type base64-key`, `[host]:port …` for another port than 22), so that a
 * server that later shows another key — a different machine, or someone in between — is
 * refused, with both fingerprints in OpenSSH's form (SHA256:base64, no padding).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isNotFound } from '../errors.js';

export type HostKeyCheck =
  { status: 'known' } | { status: 'new' } | { status: 'changed'; pinned: string[] };

/** "SHA256:…", as `ssh-keygen -l` and OpenSSH's prompts print it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH public key blob ("ssh-ed25519"). */
export function keyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('latin1');
}

/** How known_hosts names a host: bare on port 22, `[host]:port` otherwise. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export class KnownHosts {
  constructor(readonly file: string) {}

  check(host: string, port: number, key: Buffer): HostKeyCheck {
    const pattern = hostPattern(host, port);
    const pinned: Buffer[] = [];
    for (const line of this.lines()) {
      const [hosts, , blob] = line.split(/\s+/);
      if (!hosts || !blob || !hosts.split(',').includes(pattern)) continue;
      pinned.push(Buffer.from(blob, 'base64'));
    }
    if (pinned.length === 0) return { status: 'new' };
    if (pinned.some((k) => k.equals(key))) return { status: 'known' };
    return { status: 'changed', pinned: pinned.map(fingerprint) };
  }

  pin(host: string, port: number, key: Buffer): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    appendFileSync(
      this.file,
      `${hostPattern(host, port)} ${keyType(key)} ${key.toString('base64')}\n`,
      { mode: 0o600 },
    );
  }

  private lines(): string[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('@'));
  }
}
