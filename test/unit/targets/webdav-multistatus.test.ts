/**
 * PROPFIND answers as different servers write them: Nextcloud's `d:` prefixes with 404
 * propstat blocks beside the 200 ones, Apache mod_dav's `lp1:` properties, percent-encoded
 * and absolute hrefs, and RFC 4331 quota.
 */
import { describe, expect, it } from 'vitest';
import { parseMultistatus } from '../../../electron/engine/targets/webdav-multistatus.js';

describe('parseMultistatus', () => {
  it('reads Nextcloud-style answers, taking properties only from 200 blocks', () => {
    const xml = `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns">
 <d:response><d:href>/remote.php/dav/files/ana/My%20Backups/data/</d:href>
  <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype>
   <d:quota-available-bytes>5368709120</d:quota-available-bytes></d:prop>
   <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  <d:propstat><d:prop><d:getcontentlength/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
 </d:response>
 <d:response><d:href>/remote.php/dav/files/ana/My%20Backups/data/3fa4b2</d:href>
  <d:propstat><d:prop><d:resourcetype/><d:getcontentlength>1234</d:getcontentlength></d:prop>
   <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
 </d:response>
</d:multistatus>`;
    expect(parseMultistatus(xml)).toEqual([
      {
        path: '/remote.php/dav/files/ana/My Backups/data',
        name: 'data',
        isFolder: true,
        size: 0,
        quotaAvailable: 5368709120,
      },
      {
        path: '/remote.php/dav/files/ana/My Backups/data/3fa4b2',
        name: '3fa4b2',
        isFolder: false,
        size: 1234,
        quotaAvailable: null,
      },
    ]);
  });

  it('reads Apache-style answers: other prefixes, absolute hrefs, entities', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:ns0="DAV:">
<D:response xmlns:lp1="DAV:" xmlns:lp2="http://apache.org/dav/props/">
<D:href>http://host/dav/repo/keys/ab%2Bcd&amp;ef</D:href>
<D:propstat><D:prop><lp1:resourcetype/><lp1:getcontentlength>42</lp1:getcontentlength></D:prop>
<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
</D:multistatus>`;
    expect(parseMultistatus(xml)).toEqual([
      {
        path: '/dav/repo/keys/ab+cd&ef',
        name: 'ab+cd&ef',
        isFolder: false,
        size: 42,
        quotaAvailable: null,
      },
    ]);
  });
});
