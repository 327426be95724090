/**
 * The repository screen's target forms (renderer/src/features/repository/target-location.ts)
 * build locations the engine opens as the person meant, and never put a password or secret key
 * into the location — which is what gets remembered and shown — whatever characters it holds.
 */
import { describe, expect, it } from 'vitest';
import { openTarget } from '../../../electron/engine/targets/location.js';
import { sftpServer } from '../../../electron/engine/targets/remote-location.js';
import {
  buildTarget,
  emptyTargetFields,
  type TargetFields,
  type TargetKind,
} from '../../../renderer/src/features/repository/target-location.js';

const nasty = `p@ss:w/rd%20"'#?&=\\ü 🔑`;

function built(kind: TargetKind, fields: Partial<TargetFields>) {
  const result = buildTarget(kind, { ...emptyTargetFields, ...fields });
  if (!result.ok) throw new Error(result.problem);
  return result;
}

/** Every spelling a password could take in a URL. */
function expectNoSecret(location: string, secret: string): void {
  for (const form of [secret, encodeURIComponent(secret), encodeURI(secret), 'ss:w']) {
    expect(location).not.toContain(form);
  }
}

/** The engine opens it, and shows it unchanged: there was no password in it to hide. */
async function expectEngineReads(location: string): Promise<void> {
  const target = openTarget(location, {});
  expect(target.displayName).toBe(location);
  await target.close();
}

describe('target forms → location and credentials', () => {
  it('WebDAV: the user goes into the location, the password beside it', async () => {
    const t = built('webdav', {
      url: 'https://dav.example.com/remote.php/dav/files/me/',
      user: 'me@example.com',
      password: nasty,
    });
    expect(t.location).toBe(
      'webdav:https://me%40example.com@dav.example.com/remote.php/dav/files/me',
    );
    expect(t.secrets).toEqual({ CAIRN_TARGET_PASSWORD: nasty });
    expectNoSecret(t.location, nasty);
    await expectEngineReads(t.location);
  });

  it('REST server: the same, on another port', async () => {
    const t = built('rest', { url: 'http://127.0.0.1:8000/', user: 'backup', password: nasty });
    expect(t.location).toBe('rest:http://backup@127.0.0.1:8000');
    expect(t.secrets).toEqual({ CAIRN_TARGET_PASSWORD: nasty });
    await expectEngineReads(t.location);
  });

  it('refuses a password typed into the address', () => {
    const r = buildTarget('webdav', {
      ...emptyTargetFields,
      url: 'https://me:secret@dav.example.com/x',
    });
    expect(r).toEqual({
      ok: false,
      problem: 'Enter the password in its own field, not in the address',
    });
  });

  it('S3: endpoint, bucket and prefix in the location; keys and region beside it', async () => {
    const t = built('s3', {
      endpoint: 'http://127.0.0.1:9000/',
      bucket: 'backups',
      prefix: '/laptop/2024 q1/',
      region: 'eu-central-1',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: nasty,
    });
    expect(t.location).toBe('s3:http://127.0.0.1:9000/backups/laptop/2024%20q1');
    expect(t.secrets).toEqual({
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: nasty,
      AWS_REGION: 'eu-central-1',
    });
    expectNoSecret(t.location, nasty);
    await expectEngineReads(t.location);
    expect(built('s3', { bucket: 'b' }).location).toBe('s3:https://s3.amazonaws.com/b');
  });

  it('SFTP: user, host, port and path in the location; a password or key file beside it', async () => {
    const t = built('sftp', {
      user: 'backup user',
      host: 'nas.local',
      port: '2222',
      remotePath: '/srv/cairn/',
      password: nasty,
    });
    expect(t.location).toBe('sftp:backup%20user@nas.local:2222/srv/cairn');
    expect(t.secrets).toEqual({ CAIRN_SFTP_PASSWORD: nasty });
    expectNoSecret(t.location, nasty);
    expect(sftpServer(t.location)).toMatchObject({ host: 'nas.local', port: 2222 });
    await expectEngineReads(t.location);

    const key = built('sftp', {
      user: 'me',
      host: '::1',
      remotePath: 'backups',
      keyFile: '/home/me/.ssh/id_ed25519',
      keyPassphrase: nasty,
      password: 'ignored when a key file is given',
    });
    expect(key.location).toBe('sftp:me@[::1]/~/backups');
    expect(key.secrets).toEqual({
      CAIRN_SFTP_KEY_FILE: '/home/me/.ssh/id_ed25519',
      CAIRN_SFTP_KEY_PASSPHRASE: nasty,
    });
    expect(sftpServer(key.location)).toMatchObject({ host: '::1', port: 22 });
  });

  it('says what is missing or wrong', () => {
    const problem = (kind: TargetKind, fields: Partial<TargetFields>) => {
      const r = buildTarget(kind, { ...emptyTargetFields, ...fields });
      return r.ok ? null : r.problem;
    };
    expect(problem('local', { path: '  ' })).toBe('Choose a folder');
    expect(problem('s3', { bucket: '' })).toBe('Enter the bucket name');
    expect(problem('webdav', { url: 'ftp://x' })).toBe(
      'The address must start with http:// or https://',
    );
    expect(problem('sftp', { user: 'me', host: 'h', port: '70000' })).toBe(
      'The port is a number from 1 to 65535',
    );
    expect(problem('sftp', { host: 'h' })).toBe('Enter the user name to log in as');
  });
});
