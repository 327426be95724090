/**
 * Remote location strings: which ones open which target, what each shows as its name (never
 * a password), and the one-line errors for locations that cannot work — which never repeat a
 * password either.
 */
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../../electron/engine/errors.js';
import { openTarget } from '../../../electron/engine/targets/location.js';
import { redactLocation } from '../../../electron/engine/targets/redact-location.js';
import { openRemoteTarget } from '../../../electron/engine/targets/remote-location.js';

const open = (location: string, env: Record<string, string> = {}) =>
  openRemoteTarget(location, env, { spoolDir: '/nonexistent-spool' });

function refusal(location: string): string {
  try {
    open(location);
  } catch (err) {
    expect(err).toBeInstanceOf(CairnError);
    expect((err as CairnError).kind).toBe('invalid-argument');
    return (err as CairnError).message;
  }
  throw new Error(`${location} was accepted`);
}

describe('remote locations', () => {
  it('redacts a password wherever a location shows it', () => {
    expect(redactLocation('rest:https://ana:s3cr%40t@backup.example:8000/laptop')).toBe(
      'rest:https://ana:***@backup.example:8000/laptop',
    );
    expect(redactLocation('webdav:http://ana:p@ss@host/dav/x')).toBe(
      'webdav:http://ana:***@host/dav/x',
    );
    expect(redactLocation('sftp:ana:pw@host:2222/srv')).toBe('sftp:ana:***@host:2222/srv');
    for (const unchanged of [
      'webdav:http://ana@host/dav',
      'rest:http://host:8000/',
      'sftp:ana@host/srv/backup',
      's3:https://s3.eu-west-1.amazonaws.com/bucket/prefix',
      '/media/usb/backup',
      'file:///media/usb/backup',
    ]) {
      expect(redactLocation(unchanged)).toBe(unchanged);
    }
  });

  it('opens each scheme with the redacted location as its name', () => {
    expect(open('rest:http://ana:pw-1@127.0.0.1:8000/repo')?.displayName).toBe(
      'rest:http://ana:***@127.0.0.1:8000/repo',
    );
    expect(open('webdav:https://cloud.example/remote.php/dav/files/ana/backup')?.displayName).toBe(
      'webdav:https://cloud.example/remote.php/dav/files/ana/backup',
    );
    expect(open('s3:http://127.0.0.1:9000/bucket/a/b')?.displayName).toBe(
      's3:http://127.0.0.1:9000/bucket/a/b',
    );
    expect(open('sftp:ana@[::1]:2222/~/backup')?.displayName).toBe('sftp:ana@[::1]:2222/~/backup');
    expect(open('/just/a/path')).toBeUndefined();
    expect(openTarget('rest:http://ana:pw-2@127.0.0.1:8000/repo').displayName).toBe(
      'rest:http://ana:***@127.0.0.1:8000/repo',
    );
  });

  it('refuses locations that cannot work, in one line without the password', () => {
    expect(refusal('rest:ftp://ana:pw-3@host/repo')).toBe(
      'invalid location rest:ftp://ana:***@host/repo: expected rest:http(s)://host[:port]/path',
    );
    expect(refusal('webdav:not a url')).toBe(
      'invalid location webdav:not a url: expected webdav:http(s)://host[:port]/path',
    );
    expect(refusal('s3:http://127.0.0.1:9000/')).toBe(
      'invalid location s3:http://127.0.0.1:9000/: no bucket named; expected s3:http(s)://host[:port]/bucket[/prefix]',
    );
    expect(refusal('s3:http://KEYID:secret-4@127.0.0.1:9000/bucket')).toBe(
      'invalid location s3:http://KEYID:***@127.0.0.1:9000/bucket: S3 keys go in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, not in the location',
    );
    expect(refusal('sftp:ana:pw-5@host/srv')).toBe(
      'invalid location sftp:ana:***@host/srv: put the SFTP password in CAIRN_SFTP_PASSWORD, not in the location',
    );
    expect(refusal('sftp:ana@host:99999/srv')).toBe(
      'invalid location sftp:ana@host:99999/srv: port 99999 is out of range',
    );
  });
});
