/**
 * Electron entry: wires security, the engine's session, IPC and the window. Nothing else.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow } from 'electron';
import { cairnHome, createEngine, PROGRAM_VERSION } from '../engine/service.js';
import { Session } from '../session/session.js';
import { serveApp } from './app-protocol.js';
import { pickExportFile, pickFolder, pickSourceDefinition } from './dialogs.js';
import { registerIpc } from './ipc.js';
import { createMainWindow } from './main-window.js';
import { applyAppSecurity, applySecurityBeforeReady, appUrl } from './security.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', '..', 'renderer');
const preload = join(here, '..', 'preload', 'index.cjs');

let window: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  applySecurityBeforeReady();
  void app.whenReady().then(() => {
    applyAppSecurity();
    serveApp(rendererDir);
    // Kept open across requests: the key is derived once per repository, not per request.
    const engine = createEngine({ keepOpen: true });
    const session = new Session(
      engine,
      {
        mode: 'desktop',
        version: PROGRAM_VERSION,
        pickFolder: (purpose) => pickFolder(mainWindow(), purpose),
        pickSourceDefinition: () => pickSourceDefinition(mainWindow()),
        pickExportFile: (name) => pickExportFile(mainWindow(), name),
      },
      cairnHome(),
    );
    window = createMainWindow(preload, appUrl);
    const unregister = registerIpc(session, window, appUrl);
    window.on('closed', () => {
      unregister();
      window = null;
    });
    app.on('before-quit', () => {
      void session.dispose();
      void engine.close();
    });
    app.on('window-all-closed', () => app.quit());
  });
}

function mainWindow(): BrowserWindow {
  if (window === null) throw new Error('no window');
  return window;
}
