/**
 * Remote location strings (README.md, the command line: `--repo LOC`) and the targets they open:
 *
 *   s3:http(s)://host[:port]/bucket[/prefix]        AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *                                                   AWS_REGION, CAIRN_S3_PATH_STYLE=1
 *   webdav:http(s)://[user:password@]host[:port]/path
 *   rest:http(s)://[user:password@]host[:port]/path CAIRN_TARGET_USER, CAIRN_TARGET_PASSWORD
 *   sftp:user@host[:port]/path                      CAIRN_SFTP_PASSWORD, CAIRN_SFTP_KEY_FILE
 *                                                   (+ CAIRN_SFTP_KEY_PASSPHRASE), SSH_AUTH_SOCK
 *
 * A password written into a location never leaves this module: every name a target shows is
 * redactLocation()'s, with the password replaced by ***.
 */
import { isIP } from 'node:net';
import os from 'node:os';
import { CairnError } from '../errors.js';
import type { HttpCredentials } from './http-transport.js';
import { redactLocation } from './redact-location.js';
import { restTarget } from './rest-target.js';
import { s3Target, type S3Location, type S3TargetOptions } from './s3-target.js';
import { sftpTarget, type SftpTargetOptions } from './sftp-target.js';
import type { TransferLimits } from './remote-target.js';
import type { Target } from './target.js';
import { webDavTarget } from './webdav-target.js';

export const REMOTE_SCHEMES = ['s3', 'webdav', 'sftp', 'rest'] as const;

type Env = Record<string, string | undefined>;

/** Options tests (and later the app) may set; the CLI uses the defaults. */
export type RemoteTargetSettings = S3TargetOptions &
  Pick<Partial<SftpTargetOptions>, 'knownHostsFile'>;

/** The scheme of a remote location ("s3"), or undefined for a local one. */
export function remoteScheme(location: string): (typeof REMOTE_SCHEMES)[number] | undefined {
  const scheme = /^([a-z0-9]+):/i.exec(location)?.[1]?.toLowerCase();
  return REMOTE_SCHEMES.find((s) => s === scheme);
}

/** Opens the target of a remote location; undefined when the location is not remote. */
export function openRemoteTarget(
  location: string,
  env: Env = process.env,
  settings: RemoteTargetSettings = {},
): Target | undefined {
  const scheme = remoteScheme(location);
  if (!scheme) return undefined;
  const rest = location.slice(scheme.length + 1);
  const displayName = redactLocation(location);
  settings = { limits: transferLimits(env), ...settings };
  switch (scheme) {
    case 's3':
      return s3Target(parseS3(rest, displayName, env), settings);
    case 'webdav':
      return webDavTarget(parseHttp('WebDAV', rest, displayName, env), settings);
    case 'rest':
      return restTarget(parseHttp('REST', rest, displayName, env), settings);
    case 'sftp':
      return sftpTarget(parseSftp(rest, displayName, env), {
        ...settings,
        auth: {
          ...(env.CAIRN_SFTP_PASSWORD ? { password: env.CAIRN_SFTP_PASSWORD } : {}),
          ...(env.CAIRN_SFTP_KEY_FILE ? { keyFile: env.CAIRN_SFTP_KEY_FILE } : {}),
          ...(env.CAIRN_SFTP_KEY_PASSPHRASE ? { passphrase: env.CAIRN_SFTP_KEY_PASSPHRASE } : {}),
          ...(env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {}),
        },
      });
  }
}

/** CAIRN_LIMIT_UPLOAD / CAIRN_LIMIT_DOWNLOAD in KiB/s (what the CLI's --limit-… flags set). */
function transferLimits(env: Env): TransferLimits {
  const kib = (name: string): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new CairnError(
        'invalid-argument',
        `${name} must be a positive number of KiB/s, not ${value}`,
      );
    return n * 1024;
  };
  return {
    uploadBytesPerSecond: kib('CAIRN_LIMIT_UPLOAD'),
    downloadBytesPerSecond: kib('CAIRN_LIMIT_DOWNLOAD'),
  };
}

function invalid(displayName: string, why: string): CairnError {
  return new CairnError('invalid-argument', `invalid location ${displayName}: ${why}`);
}

function parseUrl(rest: string, displayName: string, form: string): URL {
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    throw invalid(displayName, `expected ${form}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(displayName, `expected ${form}`);
  }
  if (url.search || url.hash) throw invalid(displayName, 'a query or # part is not allowed');
  return url;
}

function parseS3(rest: string, displayName: string, env: Env): S3Location {
  const form = 's3:http(s)://host[:port]/bucket[/prefix]';
  const url = parseUrl(/^https?:\/\//i.test(rest) ? rest : `https://${rest}`, displayName, form);
  if (url.username || url.password) {
    throw invalid(
      displayName,
      'S3 keys go in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the location',
    );
  }
  const [bucket, ...prefix] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (!bucket) throw invalid(displayName, `no bucket named; expected ${form}`);
  const host = url.hostname;
  const aws = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(host);
  const region = aws?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // Virtual-host addressing needs a DNS name per bucket, which an IP address or localhost lacks.
  const bareHost = host.replace(/^\[|\]$/g, '');
  const pathStyle =
    env.CAIRN_S3_PATH_STYLE === '1' || isIP(bareHost) !== 0 || bareHost === 'localhost';
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return {
    // AWS itself: the SDK picks the regional endpoint.
    ...(aws ? {} : { endpoint: url.origin }),
    bucket,
    prefix: prefix.join('/'),
    region,
    pathStyle,
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
    displayName,
  };
}

function parseHttp(
  protocol: string,
  rest: string,
  displayName: string,
  env: Env,
): { url: string; credentials?: HttpCredentials; displayName: string } {
  const scheme = protocol === 'REST' ? 'rest' : 'webdav';
  const url = parseUrl(rest, displayName, `${scheme}:http(s)://host[:port]/path`);
  const user = url.username ? decodeURIComponent(url.username) : (env.CAIRN_TARGET_USER ?? '');
  const password = url.password
    ? decodeURIComponent(url.password)
    : (env.CAIRN_TARGET_PASSWORD ?? '');
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return {
    url: base,
    ...(user || password ? { credentials: { user, password } } : {}),
    displayName,
  };
}

function parseSftp(rest: string, displayName: string, env: Env) {
  const form = 'sftp:user@host[:port]/path';
  const m = /^(?:\/\/)?(?:([^@/]+)@)?(\[[^\]]+\]|[^:/[\]]+)(?::(\d+))?(\/.*)?$/.exec(rest);
  if (!m) throw invalid(displayName, `expected ${form}`);
  const [, userinfo, rawHost = '', rawPort, rawPath = ''] = m;
  if (userinfo?.includes(':')) {
    throw invalid(displayName, 'put the SFTP password in CAIRN_SFTP_PASSWORD, not in the location');
  }
  const port = rawPort ? Number(rawPort) : 22;
  if (!(port > 0 && port < 65536)) throw invalid(displayName, `port ${rawPort} is out of range`);
  // "/~/backup" is below the login folder; any other path is absolute.
  let remotePath = rawPath.replace(/\/+$/, '');
  if (remotePath === '/~') remotePath = '';
  else if (remotePath.startsWith('/~/')) remotePath = remotePath.slice(3);
  return {
    user: userinfo ? decodeURIComponent(userinfo) : (env.USER ?? os.userInfo().username),
    host: rawHost.replace(/^\[|\]$/g, ''),
    port,
    path: remotePath,
    displayName,
  };
}

/** The host and port of an `sftp:` location, for the host-key probe (sftp-host-key-probe.ts). */
export function sftpServer(location: string): { host: string; port: number; displayName: string } {
  if (remoteScheme(location) !== 'sftp') {
    throw new CairnError(
      'invalid-argument',
      `${redactLocation(location)} is not an sftp: location`,
    );
  }
  const { host, port, displayName } = parseSftp(location.slice(5), redactLocation(location), {});
  return { host, port, displayName };
}
