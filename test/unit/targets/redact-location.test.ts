/** A password in a location never reaches a message: `user:password@` becomes `user:***@`. */
import { describe, expect, it } from 'vitest';
import { redactLocation } from '../../../electron/engine/targets/location.js';

describe('redactLocation', () => {
  it('hides the password of every kind of location that can carry one', () => {
    expect(redactLocation('https://ann:KEY@host/repo')).toBe('https://ann:***@host/repo');
    expect(redactLocation('rest:https://ann:p4ss@host:8000/repo')).toBe(
      'rest:https://ann:***@host:8000/repo',
    );
    expect(redactLocation('webdav:http://ann:p@ss:w/rd@host/dav')).toBe(
      'webdav:http://ann:***@host/dav',
    );
    expect(redactLocation('sftp:ann:secret@host:22/backups')).toBe('sftp:ann:***@host:22/backups');
    expect(redactLocation('b2:id:key@bucket')).toBe('b2:id:***@bucket');
  });

  it('leaves locations without a password, and plain paths, as they are', () => {
    for (const location of [
      'sftp:ann@host:/backups',
      'rest:http://host:8000/repo',
      's3:https://s3.example.com/bucket/prefix',
      '/mnt/me:notes@home',
      './backup:2024',
      'C:\\Users\\ann:x@y',
      'file:///srv/ann:x@y',
    ]) {
      expect(redactLocation(location)).toBe(location);
    }
  });
});
