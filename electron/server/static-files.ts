/**
 * Serves the built renderer (dist/renderer) and nothing outside it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Resolves a URL path inside `root`, or null when it would leave it. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '');
  const full = join(root, relative);
  return full === root || full.startsWith(root + sep) ? full : null;
}

export async function sendStaticFile(
  res: ServerResponse,
  root: string,
  urlPath: string,
  headers: Record<string, string>,
): Promise<boolean> {
  const file = resolveStaticPath(root, urlPath);
  if (file === null) return false;
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) return false;
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  // Hashed assets never change; index.html must always be fresh.
  const cache = urlPath.startsWith('/assets/')
    ? 'private, max-age=31536000, immutable'
    : 'no-store';
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': info.size,
    'Cache-Control': cache,
  });
  createReadStream(file).pipe(res);
  return true;
}
