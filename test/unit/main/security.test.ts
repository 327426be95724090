/**
 * The shell's security settings (electron/main/security.ts), each checked the way Electron
 * would apply it, through the stand-in for 'electron': the renderer is sandboxed without Node
 * and without DevTools once packaged; the app's scheme is a secure standard origin; only that
 * origin loads; permissions, new windows, webviews, redirects and navigation of any frame
 * away from the app are refused; the CSP allows only the app's own scripts and no connections.
 */
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeReady, stand, StandInWebContents } from './electron-stand-in.js';

vi.mock('electron', () => import('./electron-stand-in.js'));

const security = await import('../../../electron/main/security.js');

afterEach(() => {
  stand.isPackaged = false;
});

/** The directives of a CSP, by name. */
function directives(policy: string): Map<string, string[]> {
  const entries = policy
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .filter((words) => words[0] !== '');
  return new Map(entries.map(([name = '', ...values]) => [name, values]));
}

describe('before the app is ready', () => {
  it('makes app: a secure standard scheme, without bypassing the CSP, and sandboxes every renderer', () => {
    security.applySecurityBeforeReady();
    expect(stand.sandboxEnabled).toBe(true);
    expect(stand.privilegedSchemes).toHaveLength(1);
    const [scheme] = stand.privilegedSchemes ?? [];
    expect(scheme?.scheme).toBe('app');
    expect(scheme?.privileges).toMatchObject({ standard: true, secure: true });
    expect(scheme?.privileges?.bypassCSP).toBeFalsy();
    expect(scheme?.privileges?.allowServiceWorkers).toBeFalsy();
    expect(security.appUrl).toBe('app://cairn/index.html');
  });
});

describe('the renderer', () => {
  it('is sandboxed and context-isolated, without Node or webviews', () => {
    expect(security.secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
    });
  });

  it('has DevTools in development only, never in the packaged app', () => {
    stand.isPackaged = false;
    expect(security.secureWebPreferences('/p.cjs').devTools).toBe(true);
    stand.isPackaged = true;
    expect(security.secureWebPreferences('/p.cjs').devTools).toBe(false);
  });
});

describe('the content security policy', () => {
  const csp = directives(security.contentSecurityPolicy);

  it('allows the app’s own scripts and styles, nothing inline or evaluated, and no connections', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(security.contentSecurityPolicy).not.toMatch(/unsafe-|\*|https?:|data:|blob:/);
  });

  it('goes with every response of the app, with nosniff', () => {
    expect(security.appResponseHeaders).toEqual({
      'Content-Security-Policy': security.contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  it('is matched by the page’s own meta tag for scripts (shared with web mode)', () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const page = directives(meta ?? '');
    expect(page.get('script-src')).toEqual(["'self'"]);
    expect(page.get('object-src')).toEqual(["'none'"]);
    expect(meta).not.toMatch(/unsafe-/);
  });
});

describe('once the app is ready', () => {
  beforeAll(() => {
    makeReady();
    security.applyAppSecurity();
  });

  it('denies every permission request and check', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      stand.permissionRequest?.({}, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false]);
    expect(stand.permissionCheck?.({}, 'media', 'app://cairn', {})).toBe(false);
  });

  it('loads nothing but the app’s own origin (DevTools only unpackaged)', () => {
    const cancelled = (url: string): boolean | undefined => {
      let answer: boolean | undefined;
      stand.beforeRequest?.({ url }, (response) => (answer = response.cancel));
      return answer;
    };
    expect(cancelled('app://cairn/index.html')).toBe(false);
    expect(cancelled('app://cairn/assets/index-3f2a.js')).toBe(false);
    for (const url of [
      'https://attacker.example/x.js',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://other/index.html',
      'app://cairn.attacker.example/index.html',
      'ws://127.0.0.1/ws',
    ]) {
      expect(cancelled(url), url).toBe(true);
    }
    expect(cancelled('devtools://devtools/bundled/devtools_app.html')).toBe(false);
    stand.isPackaged = true;
    expect(cancelled('devtools://devtools/bundled/devtools_app.html')).toBe(true);
    expect(cancelled('app://cairn/index.html')).toBe(false);
  });

  it('opens no new window and hands no URL to the OS', () => {
    const contents = new StandInWebContents();
    stand.appEvents.emit('web-contents-created', {}, contents);
    for (const url of ['https://example.org/', 'app://cairn/index.html', 'file:///etc/passwd']) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
  });

  it('keeps every frame on the app’s page: navigation away is prevented', () => {
    const contents = new StandInWebContents();
    stand.appEvents.emit('web-contents-created', {}, contents);
    const prevented = (url: string, isMainFrame: boolean): boolean => {
      const event = Object.assign(new EventEmitter(), {
        url,
        isMainFrame,
        isSameDocument: false,
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      });
      contents.emit('will-frame-navigate', event);
      return event.defaultPrevented;
    };
    for (const isMainFrame of [true, false]) {
      expect(prevented('https://attacker.example/', isMainFrame)).toBe(true);
      expect(prevented('file:///etc/passwd', isMainFrame)).toBe(true);
      expect(prevented('app://cairn/other.html', isMainFrame)).toBe(true);
      expect(prevented('javascript:alert(1)', isMainFrame)).toBe(true);
      expect(prevented('data:text/html,<p>hi', isMainFrame)).toBe(true);
    }
    expect(prevented('app://cairn/index.html', true)).toBe(false);
    expect(prevented('app://cairn/index.html#sources', true)).toBe(false);
  });

  it('refuses redirects and webviews', () => {
    const contents = new StandInWebContents();
    stand.appEvents.emit('web-contents-created', {}, contents);
    for (const name of ['will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      contents.emit(name, event, {}, {});
      expect(event.preventDefault, name).toHaveBeenCalled();
    }
  });

  it('can no longer change the scheme’s privileges or the sandbox', () => {
    expect(() => security.applySecurityBeforeReady()).toThrow(/before the app is ready/);
  });
});
