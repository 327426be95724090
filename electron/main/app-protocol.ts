/**
 * Serves the built renderer (dist/renderer, inside app.asar once packaged) on the app's own
 * origin, `app://cairn`, and nothing outside that folder. A page on a real origin gets what a
 * page on file:// does not: a same-origin policy that excludes the rest of the disk, ES
 * modules, and response headers, so the CSP arrives as a header (security.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { protocol } from 'electron';
import { appOrigin, appResponseHeaders, appScheme } from './security.js';

// Module scripts are refused unless served as JavaScript, so every type Vite emits is listed.
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Answers every request to `app:` from `rendererDir`; call once when the app is ready. */
export function serveApp(rendererDir: string): void {
  protocol.handle(appScheme, (request) => appResponse(rendererDir, request));
}

async function appResponse(rendererDir: string, request: Request): Promise<Response> {
  if (request.method !== 'GET') return new Response(null, { status: 405 });
  const file = resolveAppFile(rendererDir, request.url);
  const info = file === null ? null : await stat(file).catch(() => null);
  if (file === null || info === null || !info.isFile()) {
    return new Response(null, { status: 404 });
  }
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  return new Response(await readFile(file), {
    status: 200,
    headers: { ...appResponseHeaders, 'Content-Type': type },
  });
}

/**
 * The file a URL of the app's origin names inside `rendererDir`, or null when it names none
 * there: another host, an undecodable path, or one that leads out of the folder once decoded
 * (`..%2f`, a backslash, a NUL). Chromium has already resolved plain and `%2e` dot segments.
 */
function resolveAppFile(rendererDir: string, url: string): string | null {
  let decoded: string;
  try {
    const parsed = new URL(url);
    // Node's URL gives custom schemes no origin ('null'), so it is put together here.
    if (`${parsed.protocol}//${parsed.host}` !== appOrigin) return null;
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const file = join(rendererDir, decoded);
  const inside = relative(rendererDir, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return null;
  }
  return file;
}
