/**
 * The app:// handler (electron/main/app-protocol.ts) serving a renderer folder on disk, called
 * the way Electron calls it: with a Request whose URL Chromium has already parsed. It serves
 * the folder's files with their MIME types and the CSP, and nothing outside the folder however
 * the path is written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../helpers/temp-dir.js';
import { makeReady, stand } from './electron-stand-in.js';

vi.mock('electron', () => import('./electron-stand-in.js'));

const { serveApp } = await import('../../../electron/main/app-protocol.js');
const { contentSecurityPolicy } = await import('../../../electron/main/security.js');

const root = tempDir('cairn-app-protocol-');
const rendererDir = path.join(root, 'renderer');
const secretPath = path.join(root, 'secret.txt');
const secret = 'outside the renderer folder';

const files: Record<string, { body: string; type: string }> = {
  'index.html': { body: '<!doctype html><title>Cairn</title>', type: 'text/html; charset=utf-8' },
  'assets/index-3f2a.js': { body: 'export {};', type: 'text/javascript; charset=utf-8' },
  'assets/index-9b1c.css': { body: 'body{}', type: 'text/css; charset=utf-8' },
  'assets/logo.svg': { body: '<svg/>', type: 'image/svg+xml' },
  'assets/blob.bin': { body: 'bytes', type: 'application/octet-stream' },
};

beforeAll(() => {
  for (const [name, { body }] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(rendererDir, name)), { recursive: true });
    writeFileSync(path.join(rendererDir, name), body);
  }
  writeFileSync(secretPath, secret);
  writeFileSync(path.join(root, 'renderer-other.txt'), secret);
  makeReady();
  serveApp(rendererDir);
});

async function fetchApp(url: string, init?: RequestInit): Promise<Response> {
  const handler = stand.protocolHandlers.get('app');
  if (handler === undefined) throw new Error('no handler for app:');
  return handler(new Request(url, init));
}

describe('app:// handler', () => {
  it('serves each file of the renderer folder with its MIME type, the CSP and nosniff', async () => {
    for (const [name, { body, type }] of Object.entries(files)) {
      const res = await fetchApp(`app://cairn/${name}`);
      expect(res.status, name).toBe(200);
      expect(await res.text()).toBe(body);
      expect(res.headers.get('content-type'), name).toBe(type);
      expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves nothing outside the folder, however the path is spelled', async () => {
    const attempts = [
      'app://cairn/../secret.txt',
      'app://cairn/assets/../../secret.txt',
      'app://cairn/%2e%2e/secret.txt',
      'app://cairn/assets/%2E%2e/%2e%2E/secret.txt',
      'app://cairn/..%2fsecret.txt',
      'app://cairn/assets/..%2f..%2fsecret.txt',
      'app://cairn/%2e%2e%2fsecret.txt',
      'app://cairn/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://cairn/..%5csecret.txt',
      'app://cairn/assets%5c..%5c..%5csecret.txt',
      `app://cairn/${encodeURIComponent(secretPath)}`,
      `app://cairn/${secretPath}`,
      'app://cairn/..%2frenderer-other.txt',
      'app://cairn/index.html%00.js',
      'app://cairn/%E0%A4%A',
      'app://other/index.html',
      'app://cairn./index.html',
    ];
    for (const url of attempts) {
      const res = await fetchApp(url);
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain(secret);
    }
  });

  it('answers folders and missing files with 404, and anything but GET with 405', async () => {
    for (const url of [
      'app://cairn/',
      'app://cairn/assets',
      'app://cairn/assets/',
      'app://cairn/nope.js',
    ]) {
      expect((await fetchApp(url)).status, url).toBe(404);
    }
    const post = await fetchApp('app://cairn/index.html', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });
});
