/**
 * The web server's gate, over real HTTP on a random loopback port: without the token nothing
 * but the sign-in prompt; the token becomes an HttpOnly cookie; a foreign Host is refused
 * (DNS rebinding); nothing outside the renderer folder is served.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineService } from '../../../electron/engine/service-types.js';
import { startWebServer, type RunningWebServer } from '../../../electron/server/web-server.js';
import { Session } from '../../../electron/session/session.js';

const noEngine = new Proxy({} as EngineService, {
  get: () => () => Promise.reject(new Error('no engine in this test')),
});

let server: RunningWebServer;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cairn-web-'));
  const renderer = path.join(root, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'secret.txt'), 'outside');
  const session = new Session(noEngine, { mode: 'web', version: 'test' });
  server = await startWebServer({ session, rendererDir: renderer, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function get(
  urlPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: urlPath, headers, method: 'GET' },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => ({ Cookie: `cairn-token-${server.port}=${server.token}` });

describe('web server', () => {
  it('prints an address on loopback with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('gives a visitor without the token the sign-in prompt and nothing else', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js']) {
      const res = await get(p);
      expect(res.status).toBe(401);
      expect(res.body).toContain('Sign in to Cairn');
      expect(res.body).not.toContain('console.log');
    }
  });

  it('trades the token in the URL for an HttpOnly cookie and drops it from the address', async () => {
    const res = await get(`/?token=${server.token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves the app with a strict CSP to a visitor with the cookie', async () => {
    const res = await get('/', cookie());
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>app</title>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a Host that is not this server (DNS rebinding)', async () => {
    const res = await get('/', { ...cookie(), Host: `attacker.example:${server.port}` });
    expect(res.status).toBe(421);
  });

  it('serves nothing outside the renderer folder', async () => {
    const res = await get('/../secret.txt', cookie());
    expect(res.body).not.toContain('outside');
    const encoded = await get('/%2e%2e/secret.txt', cookie());
    expect(encoded.body).not.toContain('outside');
  });
});
