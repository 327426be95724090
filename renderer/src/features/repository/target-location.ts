/**
 * The repository screen's target forms turned into what the engine understands: a location
 * string (README "Remote targets") and the credentials beside it, named as the CLI's
 * environment variables. Passwords and secret keys never go into the location: the host keeps
 * them in the OS keychain, and the location is what gets remembered and shown.
 */
import type { TargetSecrets } from '../../../../shared/targets.js';

export type TargetKind = 'local' | 's3' | 'webdav' | 'rest' | 'sftp';

export interface TargetFields {
  /** local */
  path: string;
  /** s3 */
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** webdav, rest */
  url: string;
  /** webdav, rest, sftp */
  user: string;
  password: string;
  /** sftp */
  host: string;
  port: string;
  /** sftp: absolute (/srv/backup), or below the login folder when relative (backup). */
  remotePath: string;
  keyFile: string;
  keyPassphrase: string;
}

export const emptyTargetFields: TargetFields = {
  path: '',
  endpoint: '',
  bucket: '',
  prefix: '',
  region: '',
  accessKeyId: '',
  secretAccessKey: '',
  url: '',
  user: '',
  password: '',
  host: '',
  port: '',
  remotePath: '',
  keyFile: '',
  keyPassphrase: '',
};

export type BuiltTarget =
  { ok: true; location: string; secrets: TargetSecrets } | { ok: false; problem: string };

const fail = (problem: string): BuiltTarget => ({ ok: false, problem });

export function buildTarget(kind: TargetKind, fields: TargetFields): BuiltTarget {
  switch (kind) {
    case 'local': {
      const path = fields.path.trim();
      return path === '' ? fail('Choose a folder') : { ok: true, location: path, secrets: {} };
    }
    case 's3':
      return buildS3(fields);
    case 'webdav':
    case 'rest':
      return buildHttp(kind, fields);
    case 'sftp':
      return buildSftp(fields);
  }
}

function withSecrets(entries: [keyof TargetSecrets, string][]): TargetSecrets {
  const secrets: TargetSecrets = {};
  for (const [name, value] of entries) if (value !== '') secrets[name] = value;
  return secrets;
}

/** Path segments as the engine reads them back (it decodes each one). */
function segments(text: string): string[] {
  return text
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(encodeURIComponent);
}

function buildS3(f: TargetFields): BuiltTarget {
  const endpoint = f.endpoint.trim() || 'https://s3.amazonaws.com';
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`);
  } catch {
    return fail('Enter the S3 endpoint as an address, like https://s3.eu-central-1.amazonaws.com');
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    return fail('Enter only the S3 endpoint (scheme, host and port); the bucket has its own field');
  }
  const [bucket, ...extra] = segments(f.bucket);
  if (bucket === undefined || extra.length > 0) return fail('Enter the bucket name');
  const prefix = segments(f.prefix);
  const location = `s3:${url.origin}/${[bucket, ...prefix].join('/')}`;
  return {
    ok: true,
    location,
    secrets: withSecrets([
      ['AWS_ACCESS_KEY_ID', f.accessKeyId.trim()],
      ['AWS_SECRET_ACCESS_KEY', f.secretAccessKey],
      ['AWS_REGION', f.region.trim()],
    ]),
  };
}

function buildHttp(kind: 'webdav' | 'rest', f: TargetFields): BuiltTarget {
  let url: URL;
  try {
    url = new URL(f.url.trim());
  } catch {
    return fail(
      `Enter the server's address, like https://cloud.example.com/remote.php/dav/files/me`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('The address must start with http:// or https://');
  }
  if (url.search || url.hash) return fail('The address cannot have a ? or # part');
  if (url.password) return fail('Enter the password in its own field, not in the address');
  const user = f.user.trim() || decodeURIComponent(url.username);
  url.username = '';
  const path = url.pathname.replace(/\/+$/, '');
  const userinfo = user === '' ? '' : `${encodeURIComponent(user)}@`;
  const location = `${kind}:${url.protocol}//${userinfo}${url.host}${path}`;
  return { ok: true, location, secrets: withSecrets([['CAIRN_TARGET_PASSWORD', f.password]]) };
}

function buildSftp(f: TargetFields): BuiltTarget {
  const user = f.user.trim();
  const host = f.host.trim().replace(/^\[|\]$/g, '');
  if (user === '') return fail('Enter the user name to log in as');
  if (host === '' || /[\s/@]/.test(host)) return fail('Enter the server’s host name or address');
  const portText = f.port.trim();
  const port = portText === '' ? 22 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return fail('The port is a number from 1 to 65535');
  const raw = f.remotePath.trim();
  // The engine takes the path as written (no decoding).
  const parts = raw.split('/').filter(Boolean);
  // A relative path is below the login folder: the engine's `/~/path`.
  const path = raw.startsWith('/') ? `/${parts.join('/')}` : `/~/${parts.join('/')}`;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const location = `sftp:${encodeURIComponent(user)}@${shownHost}${port === 22 ? '' : `:${port}`}${path.replace(/\/$/, '')}`;
  const keyFile = f.keyFile.trim();
  return {
    ok: true,
    location,
    secrets: withSecrets(
      keyFile !== ''
        ? [
            ['CAIRN_SFTP_KEY_FILE', keyFile],
            ['CAIRN_SFTP_KEY_PASSPHRASE', f.keyPassphrase],
          ]
        : [['CAIRN_SFTP_PASSWORD', f.password]],
    ),
  };
}
