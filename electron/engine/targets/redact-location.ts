/** A URL scheme as RFC 3986 spells it; one letter before the colon is a drive letter. */
export const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * The location with the password of a `user:password@` part replaced by `***`, for messages,
 * logs and output. Plain paths and file: URLs are left alone: a folder may well be called
 * `me:notes@home`. Everything up to the last `@` counts as the password, so that one which
 * contains `@` or `/` never shows in part (a path with an `@` in it is then hidden a little
 * too much).
 */
export function redactLocation(location: string): string {
  const scheme = SCHEME.exec(location);
  if (!scheme || /^file:/i.test(location)) return location;
  let head = scheme[0];
  let rest = location.slice(head.length);
  // `webdav:http://…` and `rest:https://…` carry a URL; `https://…` and `sftp:…` do not.
  const inner = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(rest);
  if (inner) {
    head += inner[0];
    rest = rest.slice(inner[0].length);
  }
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return location;
  const user = rest.slice(0, colon);
  if (user.includes('/')) return location;
  return `${head}${user}:***@${rest.slice(at + 1)}`;
}
