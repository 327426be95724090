/**
 * URLs of API requests. An endpoint path is joined to `baseUrl` as a string, so the base's own
 * path is kept (`http://h/api` + `/projects` is `http://h/api/projects`), unlike RFC 3986
 * resolution, which would drop `/api`. URLs found in responses (`next`, `Link`) are resolved
 * against the URL of the request that returned them, as RFC 3986 says.
 */

export function joinBaseUrl(baseUrl: string, path: string): string {
  if (path === '') return baseUrl;
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  if (path.startsWith('?')) return base + path;
  return path.startsWith('/') ? base + path : `${base}/${path}`;
}

export function resolveResponseUrl(reference: string, requestUrl: string): string {
  return new URL(reference, requestUrl).toString();
}

/** Sets query parameters, replacing any of the same name already in the URL. */
export function withQueryParams(
  url: string,
  params: ReadonlyArray<readonly [string, string]>,
): string {
  if (params.length === 0) return url;
  const parsed = new URL(url);
  for (const [name] of params) parsed.searchParams.delete(name);
  for (const [name, value] of params) parsed.searchParams.append(name, value);
  return parsed.toString();
}
