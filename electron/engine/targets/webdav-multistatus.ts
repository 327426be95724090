/**
 * Reads a WebDAV PROPFIND answer (RFC 4918 `multistatus`): for each resource its name, whether
 * it is a folder, its size and, where the server tells (RFC 4331), the free space. Servers
 * differ in namespace prefixes (`D:`, `d:`, `lp1:`, none) and in how they split properties
 * over `propstat` blocks, so this looks at element names only and takes properties from the
 * blocks whose status is 200.
 */

export interface DavEntry {
  /** The decoded path from `href`, without a trailing slash. */
  path: string;
  /** Its last segment. */
  name: string;
  isFolder: boolean;
  size: number;
  quotaAvailable: number | null;
}

const element = (name: string) =>
  new RegExp(
    `<(?:[\\w.-]+:)?${name}\\b[^>]*?(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}\\s*>)`,
    'g',
  );

const RESPONSE = element('response');
const PROPSTAT = element('propstat');

function first(xml: string, name: string): string | undefined {
  const m = element(name).exec(xml);
  return m ? (m[1] ?? '') : undefined;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

export function parseMultistatus(xml: string): DavEntry[] {
  const entries: DavEntry[] = [];
  for (const response of xml.matchAll(RESPONSE)) {
    const body = response[1] ?? '';
    const href = first(body, 'href');
    if (href === undefined) continue;
    let props = '';
    for (const propstat of body.matchAll(PROPSTAT)) {
      const block = propstat[1] ?? '';
      if (/\s2\d\d\s/.test(` ${first(block, 'status') ?? 'HTTP/1.1 200 OK'} `)) {
        props += first(block, 'prop') ?? '';
      }
    }
    let decoded = decodeXml(href.trim());
    try {
      decoded = decodeURIComponent(new URL(decoded, 'http://host').pathname);
    } catch {
      // Not percent-encoded as it should be: take it as it is.
    }
    const path = decoded.replace(/\/+$/, '');
    const length = first(props, 'getcontentlength');
    const quota = first(props, 'quota-available-bytes');
    entries.push({
      path,
      name: path.slice(path.lastIndexOf('/') + 1),
      isFolder: /<(?:[\w.-]+:)?collection\b/.test(first(props, 'resourcetype') ?? ''),
      size: length ? Number(length.trim()) : 0,
      quotaAvailable: quota && /^\s*\d+\s*$/.test(quota) ? Number(quota.trim()) : null,
    });
  }
  return entries;
}
