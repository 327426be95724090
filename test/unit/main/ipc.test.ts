/**
 * The Electron shell's guards, without an Electron binary: 'electron' is replaced by a small
 * stand-in, and the real ipc.ts and security.ts run against it. What is checked is what
 * matters: requests from anything but the app's own top frame are refused, job events reach
 * the window, navigation away and new windows are denied, and the renderer is sandboxed.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const handlers = new Map<string, (event: unknown, args: unknown) => unknown>();
const appEvents = new EventEmitter();
const permissionHandlers: { request?: unknown; check?: unknown } = {};

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, args: unknown) => unknown) =>
      handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  app: { on: (name: string, fn: (...args: unknown[]) => void) => appEvents.on(name, fn) },
  shell: { openExternal: vi.fn() },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn: unknown) => (permissionHandlers.request = fn),
      setPermissionCheckHandler: (fn: unknown) => (permissionHandlers.check = fn),
      webRequest: { onBeforeRequest: vi.fn(), onHeadersReceived: vi.fn() },
    },
  },
}));

const { registerIpc } = await import('../../../electron/main/ipc.js');
const { applyAppSecurity, secureWebPreferences } =
  await import('../../../electron/main/security.js');
const { Session } = await import('../../../electron/session/session.js');

const appUrl = 'file:///opt/cairn/dist/renderer/index.html';

function fakeWindow() {
  const mainFrame = { url: appUrl };
  const webContents = { mainFrame, send: vi.fn() };
  return { webContents, isDestroyed: () => false };
}

function fakeSession() {
  const session = new Session({} as never, { mode: 'desktop', version: 'test' });
  vi.spyOn(session, 'handle').mockResolvedValue({ ok: true, value: 'engine answered' });
  return session;
}

describe('IPC registration', () => {
  it('answers the app’s own top frame and refuses everything else', async () => {
    const window = fakeWindow();
    const session = fakeSession();
    const unregister = registerIpc(session, window as never, appUrl);
    const handler = handlers.get('cairn:listSnapshots');
    expect(handler).toBeDefined();
    const call = (event: unknown) => handler?.(event, {});

    const own = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    expect(await call(own)).toEqual({ ok: true, value: 'engine answered' });

    const subframe = { sender: window.webContents, senderFrame: { url: appUrl } };
    const otherContents = { sender: {}, senderFrame: window.webContents.mainFrame };
    expect(await call(subframe)).toMatchObject({ ok: false });
    expect(await call(otherContents)).toMatchObject({ ok: false });
    // The top frame itself, once it shows anything but the app's page.
    window.webContents.mainFrame.url = 'https://attacker.example/';
    expect(await call(own)).toMatchObject({ ok: false });
    expect(session.handle).toHaveBeenCalledTimes(1);

    unregister();
    expect(handlers.size).toBe(0);
  });

  it('forwards job events to the window on their own channel', () => {
    const window = fakeWindow();
    const session = new Session({} as never, { mode: 'desktop', version: 'test' });
    registerIpc(session, window as never, appUrl);
    (session as unknown as { broadcast(e: unknown): void }).broadcast({
      type: 'cancelled',
      jobId: 'job-12345678',
    });
    expect(window.webContents.send).toHaveBeenCalledWith('cairn:job-event', {
      type: 'cancelled',
      jobId: 'job-12345678',
    });
  });
});

describe('security', () => {
  it('sandboxes the renderer without Node', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
    });
  });

  it('denies permissions, new windows and navigation away from the app', () => {
    applyAppSecurity(appUrl);
    const allow = vi.fn();
    (permissionHandlers.request as (a: unknown, b: unknown, cb: (ok: boolean) => void) => void)(
      {},
      'media',
      allow,
    );
    expect(allow).toHaveBeenCalledWith(false);

    const contents = new EventEmitter() as EventEmitter & {
      setWindowOpenHandler(fn: (d: { url: string }) => unknown): void;
      openHandler?: (d: { url: string }) => unknown;
    };
    contents.setWindowOpenHandler = (fn) => (contents.openHandler = fn);
    appEvents.emit('web-contents-created', {}, contents);
    expect(contents.openHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });

    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://attacker.example/')).toBe(true);
    expect(navigate(`${appUrl}#snapshots`)).toBe(false);
  });
});
