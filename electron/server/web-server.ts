/**
 * `cairn serve`: the renderer's built files and the contract over a WebSocket, on loopback by
 * default, behind a random access token. Without the token a visitor gets a sign-in prompt
 * and nothing else: no bundle, no data, no socket.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadPath, type PendingDownload } from '../session/export-downloads.js';
import type { Session } from '../session/session.js';
import { createAccessToken, tokenCookie, tokensEqual } from './access-token.js';
import {
  cookieTokenValid,
  hostAllowed,
  originAllowed,
  type GuardOptions,
} from './request-guard.js';
import { signInPage } from './sign-in-page.js';
import { SocketBridge } from './socket-bridge.js';
import { sendStaticFile } from './static-files.js';

export interface WebServerOptions {
  session: Session;
  rendererDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
}

export interface RunningWebServer {
  url: string;
  port: number;
  token: string;
  /**
   * Replaces the access token (rotated while the server runs): the old one stops working at
   * once, and every connected window is disconnected, to sign in again with the new address.
   */
  useToken(token: string): void;
  close(): Promise<void>;
}

const appCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const commonHeaders = {
  'X-Content-Type-Options': 'nosniff',
  // The first URL carries the token: never leak it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const token = options.token ?? createAccessToken();
  const guard: GuardOptions = { token, host: options.host, port: 0 };
  const bridge = new SocketBridge(options.session);

  const server = createServer((req, res) => {
    handleHttp(req, res, guard, options.rendererDir, options.session).catch(() => {
      if (!res.headersSent) res.writeHead(500, commonHeaders);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (
      path !== '/ws' ||
      !hostAllowed(req, guard) ||
      !originAllowed(req) ||
      !cookieTokenValid(req, guard)
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    bridge.upgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  guard.port = (server.address() as AddressInfo).port;
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostInUrl}:${guard.port}/?token=${token}`;

  return {
    url,
    port: guard.port,
    token,
    useToken: (next) => {
      guard.token = next;
      bridge.disconnectAll();
    },
    close: () =>
      new Promise<void>((resolve) => {
        bridge.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  guard: GuardOptions,
  rendererDir: string,
  session: Session,
): Promise<void> {
  if (!hostAllowed(req, guard)) {
    res.writeHead(421, { ...commonHeaders, 'Content-Type': 'text/plain' });
    res.end('Misdirected request\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...commonHeaders, Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const queryToken = url.searchParams.get('token');

  if (queryToken !== null) {
    if (tokensEqual(guard.token, queryToken)) {
      // Trade the token in the URL for a cookie, and drop it from the address bar.
      res.writeHead(303, {
        ...commonHeaders,
        'Set-Cookie': tokenCookie(guard.port, guard.token),
        Location: '/',
      });
      res.end();
    } else {
      sendSignIn(res, true);
    }
    return;
  }
  if (!cookieTokenValid(req, guard)) {
    sendSignIn(res, false);
    return;
  }
  if (url.pathname.startsWith(downloadPath)) {
    sendDownload(req, res, session.takeDownload(url.pathname.slice(downloadPath.length)));
    return;
  }
  const headers = { ...commonHeaders, 'Content-Security-Policy': appCsp };
  if (await sendStaticFile(res, rendererDir, url.pathname, headers)) return;
  // Unknown paths get the app shell: the renderer has no server-side routes.
  if (
    url.pathname.startsWith('/assets/') ||
    !(await sendStaticFile(res, rendererDir, '/', headers))
  ) {
    res.writeHead(404, { ...commonHeaders, 'Content-Type': 'text/plain' });
    res.end('Not found\n');
  }
}

function sendSignIn(res: ServerResponse, failed: boolean): void {
  const nonce = randomBytes(16).toString('base64');
  res.writeHead(401, {
    ...commonHeaders,
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  });
  res.end(signInPage(nonce, failed));
}

/**
 * An export as a download, behind the same token cookie as everything else; the one-time
 * ticket in the address comes from the signed-in page's socket. HEAD would spend the ticket
 * for nothing, so only GET.
 */
function sendDownload(
  req: IncomingMessage,
  res: ServerResponse,
  download: PendingDownload | null,
): void {
  if (download === null || req.method !== 'GET') {
    res.writeHead(404, { ...commonHeaders, 'Content-Type': 'text/plain' });
    res.end('This download has expired; start the export again.\n');
    return;
  }
  res.writeHead(200, {
    ...commonHeaders,
    'Content-Type': download.contentType,
    'Content-Disposition': `attachment; filename="${download.filename}"`,
    'Cache-Control': 'no-store',
  });
  download.run(res);
}
