/**
 * Electron entry: wires security, the engine's session, IPC, the window and the plans running
 * in the background (background.ts). Nothing else.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow } from 'electron';
import { cairnHome, createEngine, PROGRAM_VERSION } from '../engine/service.js';
import { Session } from '../session/session.js';
import { serveApp } from './app-protocol.js';
import { startBackground, type Background } from './background.js';
import { pickExportFile, pickFolder, pickSourceDefinition } from './dialogs.js';
import { registerIpc } from './ipc.js';
import { createMainWindow } from './main-window.js';
import { applyAppSecurity, applySecurityBeforeReady, appUrl } from './security.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', '..', 'renderer');
const preload = join(here, '..', 'preload', 'index.cjs');

let window: BrowserWindow | null = null;
let openWindow: () => void = () => undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => openWindow());

  applySecurityBeforeReady();
  void app.whenReady().then(async () => {
    applyAppSecurity();
    serveApp(rendererDir);
    // Kept open across requests and plan runs: the key is derived once per repository.
    const engine = createEngine({ keepOpen: true });
    const home = cairnHome();
    // The plans run in the background; the session shows their runs as jobs.
    const background: Background = await startBackground(engine, home, () => openWindow());
    const session = new Session(
      engine,
      {
        mode: 'desktop',
        version: PROGRAM_VERSION,
        pickFolder: (purpose) => pickFolder(mainWindow(), purpose),
        pickSourceDefinition: () => pickSourceDefinition(mainWindow()),
        pickExportFile: (name) => pickExportFile(mainWindow(), name),
      },
      home,
      { planJobs: background.plans.jobs },
    );
    openWindow = () => {
      if (window !== null) {
        if (window.isMinimized()) window.restore();
        window.focus();
        return;
      }
      const opened = createMainWindow(preload, appUrl);
      const unregister = registerIpc(session, opened, appUrl);
      opened.on('closed', () => {
        unregister();
        window = null;
      });
      window = opened;
    };
    openWindow();
    app.on('window-all-closed', () => background.windowsClosed());
    // Quitting waits for a running plan to be cancelled cleanly (recorded as cancelled).
    let stopping = false;
    app.on('before-quit', (event) => {
      if (stopping) return;
      stopping = true;
      event.preventDefault();
      void background
        .stop()
        .then(() => session.dispose())
        .then(() => engine.close())
        .finally(() => app.quit());
    });
  });
}

function mainWindow(): BrowserWindow {
  if (window === null) throw new Error('no window');
  return window;
}
