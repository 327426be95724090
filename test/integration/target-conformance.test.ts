/**
 * Every storage target against its real server, through one conformance suite
 * (test/helpers/target-conformance.ts): a local folder, S3 (s3rver, and moto where it is
 * installed: it also does conditional writes), WebDAV, SFTP and the REST protocol (rclone).
 */
import path from 'node:path';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import {
  openRemoteTarget,
  type RemoteTargetSettings,
} from '../../electron/engine/targets/remote-location.js';
import type { Target } from '../../electron/engine/targets/target.js';
import {
  missingProgram,
  S3RVER_KEYS,
  startMoto,
  startRclone,
  startS3rver,
} from '../fixtures/target-servers/servers.js';
import { describeTargetConformance } from '../helpers/target-conformance.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-targets-');
const MiB = 1024 * 1024;

/** Fast retries, a spool and known_hosts in the test's folder, small multipart parts. */
function settings(name: string): RemoteTargetSettings {
  return {
    retry: { baseDelayMs: 20 },
    spoolDir: path.join(dir, 'spool', name),
    knownHostsFile: path.join(dir, 'known_hosts'),
    multipartThreshold: 5 * MiB,
    partSize: 5 * MiB,
  };
}

function remote(location: string, env: Record<string, string>, name: string): () => Target {
  return () => openRemoteTarget(location, env, settings(name))!;
}

describeTargetConformance('local folder', async () => {
  const root = path.join(dir, 'local-repo');
  return { open: () => new LocalTarget(root), exclusiveCreate: false };
});

describeTargetConformance('S3 (s3rver)', async () => {
  const server = await startS3rver(path.join(dir, 's3rver'), ['cairn-bucket']);
  const location = `s3:http://127.0.0.1:${server.port}/cairn-bucket/repos/one`;
  return {
    open: remote(location, { ...S3RVER_KEYS, CAIRN_S3_PATH_STYLE: '1' }, 's3rver'),
    // s3rver ignores If-None-Match.
    exclusiveCreate: false,
    writesInPlace: 's3rver writes objects in place (S3 itself does not: see the moto run)',
    stop: () => server.stop(),
  };
});

describeTargetConformance('S3 (moto)', async () => {
  const missing = missingProgram('moto_server');
  if (missing) return missing;
  const server = await startMoto(['cairn-bucket']);
  const location = `s3:http://127.0.0.1:${server.port}/cairn-bucket`;
  const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
  return { open: remote(location, env, 'moto'), exclusiveCreate: true, stop: () => server.stop() };
});

describeTargetConformance('WebDAV (rclone serve webdav)', async () => {
  const missing = missingProgram('rclone');
  if (missing) return missing;
  const server = await startRclone('webdav', {
    root: path.join(dir, 'webdav'),
    user: 'ana',
    pass: 'dav secret',
  });
  const location = `webdav:http://ana:dav%20secret@127.0.0.1:${server.port}/backups/laptop`;
  return { open: remote(location, {}, 'webdav'), exclusiveCreate: true, stop: () => server.stop() };
});

describeTargetConformance('REST (rclone serve restic)', async () => {
  const missing = missingProgram('rclone');
  if (missing) return missing;
  const server = await startRclone('restic', {
    root: path.join(dir, 'rest'),
    user: 'ana',
    pass: 'rest-secret',
  });
  const location = `rest:http://127.0.0.1:${server.port}/laptop`;
  const env = { CAIRN_TARGET_USER: 'ana', CAIRN_TARGET_PASSWORD: 'rest-secret' };
  return {
    open: remote(location, env, 'rest'),
    exclusiveCreate: false,
    writesInPlace:
      'rclone serve restic 1.60 writes files in place (rest-server writes a temporary file first)',
    stop: () => server.stop(),
  };
});

describeTargetConformance('SFTP (rclone serve sftp)', async () => {
  const missing = missingProgram('rclone');
  if (missing) return missing;
  const server = await startRclone('sftp', {
    root: path.join(dir, 'sftp'),
    user: 'ana',
    pass: 'sftp-secret',
  });
  const location = `sftp:ana@127.0.0.1:${server.port}/srv/backup`;
  return {
    open: remote(location, { CAIRN_SFTP_PASSWORD: 'sftp-secret' }, 'sftp'),
    // rclone's rename replaces an existing file; OpenSSH's would refuse.
    exclusiveCreate: false,
    stop: () => server.stop(),
  };
});
