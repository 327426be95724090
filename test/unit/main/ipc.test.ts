/**
 * The IPC guard, without an Electron binary: 'electron' is replaced by a small stand-in, and
 * the real ipc.ts runs against it. Requests are answered only from the app's own page
 * (`app://cairn/index.html`, exactly) in the top frame of its own window; job events reach
 * the window.
 */
import { describe, expect, it, vi } from 'vitest';
import { stand, StandInWindow } from './electron-stand-in.js';

vi.mock('electron', () => import('./electron-stand-in.js'));

const { registerIpc } = await import('../../../electron/main/ipc.js');
const { appUrl } = await import('../../../electron/main/security.js');
const { Session } = await import('../../../electron/session/session.js');

async function appWindow(): Promise<StandInWindow> {
  const window = new StandInWindow({});
  await window.loadURL(appUrl);
  return window;
}

function fakeSession() {
  const session = new Session({} as never, { mode: 'desktop', version: 'test' });
  vi.spyOn(session, 'handle').mockResolvedValue({ ok: true, value: 'engine answered' });
  return session;
}

describe('IPC registration', () => {
  it('answers the app’s own top frame and refuses everything else', async () => {
    const window = await appWindow();
    const session = fakeSession();
    const unregister = registerIpc(session, window as never, appUrl);
    const handler = stand.ipcHandlers.get('cairn:listSnapshots');
    expect(handler).toBeDefined();
    const call = (event: unknown) => handler?.(event, {});
    const { webContents } = window;

    const own = { sender: webContents, senderFrame: webContents.mainFrame };
    expect(await call(own)).toEqual({ ok: true, value: 'engine answered' });
    // Same URL, but an in-page anchor: still the app's page.
    webContents.mainFrame.url = `${appUrl}#snapshots`;
    expect(await call(own)).toEqual({ ok: true, value: 'engine answered' });

    const subframe = { sender: webContents, senderFrame: { url: appUrl } };
    const otherContents = {
      sender: new StandInWindow({}).webContents,
      senderFrame: own.senderFrame,
    };
    const noFrame = { sender: webContents, senderFrame: null };
    expect(await call(subframe)).toMatchObject({ ok: false });
    expect(await call(otherContents)).toMatchObject({ ok: false });
    expect(await call(noFrame)).toMatchObject({ ok: false });
    // The top frame itself, once it shows anything but exactly the app's page.
    for (const url of [
      'https://attacker.example/',
      'file:///opt/cairn/dist/renderer/index.html',
      'app://cairn/other.html',
      `${appUrl}?injected`,
      'app://evil/index.html',
      '',
      'about:blank',
    ]) {
      webContents.mainFrame.url = url;
      expect(await call(own), url).toMatchObject({ ok: false });
    }
    expect(session.handle).toHaveBeenCalledTimes(2);

    unregister();
    expect(stand.ipcHandlers.size).toBe(0);
  });

  it('forwards job events to the window on their own channel', async () => {
    const window = await appWindow();
    const session = new Session({} as never, { mode: 'desktop', version: 'test' });
    registerIpc(session, window as never, appUrl);
    (session as unknown as { broadcast(e: unknown): void }).broadcast({
      type: 'cancelled',
      jobId: 'job-12345678',
    });
    expect(window.webContents.sent).toEqual([
      { channel: 'cairn:job-event', payload: { type: 'cancelled', jobId: 'job-12345678' } },
    ]);
  });
});
