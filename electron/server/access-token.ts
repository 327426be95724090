/**
 * The web mode's access token: random, printed once in the URL, then kept in a cookie. The
 * cookie's name carries the port because browsers share cookies across ports of one host.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function createAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenCookieName(port: number): string {
  return `cairn-token-${port}`;
}

export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function tokenCookie(port: number, token: string): string {
  // HttpOnly: scripts never see it; SameSite=Strict: other sites cannot send it.
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
