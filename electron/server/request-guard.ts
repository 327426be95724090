/**
 * Who may talk to the web server: requests must carry the access token (query on first load,
 * cookie after), name this server in Host (defeats DNS rebinding on loopback), and WebSocket
 * upgrades must come from this server's own page (Origin).
 */
import type { IncomingMessage } from 'node:http';
import { readCookie, tokenCookieName, tokensEqual } from './access-token.js';

export interface GuardOptions {
  token: string;
  host: string;
  port: number;
}

const loopbackNames = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return loopbackNames.has(host) || host.startsWith('127.');
}

export function hostAllowed(req: IncomingMessage, options: GuardOptions): boolean {
  // Bound beyond loopback, the user chose which names reach it; only the token guards then.
  if (!isLoopback(options.host)) return true;
  const host = req.headers.host ?? '';
  const name = host.replace(/:\d+$/, '');
  return host.endsWith(`:${options.port}`) && loopbackNames.has(name);
}

export function cookieTokenValid(req: IncomingMessage, options: GuardOptions): boolean {
  return tokensEqual(options.token, readCookie(req, tokenCookieName(options.port)));
}

export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  return origin !== undefined && host !== undefined && origin === `http://${host}`;
}
