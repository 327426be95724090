/**
 * RFC 8288 `Link` header parsing: `<https://h/x?page=2>; rel="next", <…>; rel="last"`. A link's
 * `rel` may list several relation types separated by spaces.
 */

export interface WebLink {
  target: string;
  rels: string[];
}

const LINK = /<([^>]*)>((?:\s*;\s*[^;,"=]+(?:=(?:"(?:[^"\\]|\\.)*"|[^;,]*))?)*)/g;
const PARAM = /;\s*([^;=\s]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,]*)))?/g;

export function parseLinkHeader(value: string): WebLink[] {
  const links: WebLink[] = [];
  for (const match of value.matchAll(LINK)) {
    let rels: string[] = [];
    for (const param of (match[2] ?? '').matchAll(PARAM)) {
      if (param[1]!.toLowerCase() !== 'rel') continue;
      const raw = (param[2] ?? param[3] ?? '').replace(/\\(.)/g, '$1');
      rels = raw.trim().toLowerCase().split(/\s+/);
      break; // RFC 8288 §3.3: only the first rel parameter counts
    }
    links.push({ target: match[1]!.trim(), rels });
  }
  return links;
}

export function findLink(value: string | null, rel: string): string | undefined {
  if (value === null) return undefined;
  return parseLinkHeader(value).find((link) => link.rels.includes(rel))?.target;
}
