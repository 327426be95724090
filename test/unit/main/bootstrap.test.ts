/**
 * The real entry (electron/main/index.ts) started against the stand-in for 'electron', to
 * check the order Electron demands and what the window ends up with: the app scheme and the
 * sandbox are settled before the app is ready; once ready the window loads the app's page
 * from app:// (never file://), with the secure preferences, and its page's requests are
 * answered.
 */
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../helpers/temp-dir.js';
import { makeReady, stand } from './electron-stand-in.js';

vi.mock('electron', () => import('./electron-stand-in.js'));
// The entry starts the plans' host, which keeps its log under CAIRN_HOME.
process.env.CAIRN_HOME = tempDir();

await import('../../../electron/main/index.js');

describe('the Electron entry', () => {
  it('registers the app scheme and the sandbox before the app is ready, and opens no window yet', () => {
    expect(stand.privilegedSchemes?.map((s) => s.scheme)).toEqual(['app']);
    expect(stand.sandboxEnabled).toBe(true);
    expect(stand.windows).toHaveLength(0);
  });

  it('once ready, serves app:// and loads the app’s page from it in a locked-down window', async () => {
    makeReady();
    await vi.waitFor(() => expect(stand.windows).toHaveLength(1));
    expect(stand.protocolHandlers.has('app')).toBe(true);
    expect(stand.beforeRequest).not.toBeNull();
    const [window] = stand.windows;
    expect(window?.loadedUrl).toBe('app://cairn/index.html');
    expect(window?.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(window?.options.webPreferences?.preload).toMatch(/preload[/\\]index\.cjs$/);

    const getAppInfo = stand.ipcHandlers.get('cairn:getAppInfo');
    const contents = window?.webContents;
    const answer = await getAppInfo?.({ sender: contents, senderFrame: contents?.mainFrame }, {});
    expect(answer).toMatchObject({ ok: true, value: { mode: 'desktop' } });
  });
});
