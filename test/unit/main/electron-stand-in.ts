/**
 * A stand-in for the 'electron' module, for the shell's unit tests: no Electron binary runs
 * here (`vi.mock('electron', () => import('./electron-stand-in.js'))`). It records what the
 * shell registers — IPC handlers, protocol handlers, privileged schemes, session handlers,
 * windows — and lets a test play Electron: make the app ready or packaged, call a handler as
 * Chromium would, emit app and web-contents events. Like Electron, it refuses scheme
 * privileges and sandboxing once the app is ready, and protocol handlers before.
 */
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, CustomScheme } from 'electron';

type IpcHandler = (event: unknown, args: unknown) => unknown;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;
type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;
type BeforeRequestHandler = (
  details: { url: string },
  callback: (response: { cancel?: boolean }) => void,
) => void;

let markReady: () => void = () => undefined;
const ready = new Promise<void>((resolve) => (markReady = resolve));

export const stand = {
  isReady: false,
  isPackaged: false,
  sandboxEnabled: false,
  privilegedSchemes: null as CustomScheme[] | null,
  protocolHandlers: new Map<string, ProtocolHandler>(),
  ipcHandlers: new Map<string, IpcHandler>(),
  permissionRequest: null as PermissionRequestHandler | null,
  permissionCheck: null as ((...args: unknown[]) => boolean) | null,
  beforeRequest: null as BeforeRequestHandler | null,
  windows: [] as StandInWindow[],
  appEvents: new EventEmitter(),
};

/** What `app.whenReady()` waits for. */
export function makeReady(): void {
  stand.isReady = true;
  markReady();
}

export class StandInWebContents extends EventEmitter {
  readonly mainFrame = { url: '' };
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  openHandler: ((details: { url: string }) => unknown) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.openHandler = handler;
  }
}

export class StandInWindow extends EventEmitter {
  readonly webContents = new StandInWebContents();
  loadedUrl: string | null = null;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    stand.windows.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
  }
  async loadFile(path: string): Promise<void> {
    await this.loadURL(`file://${path}`);
  }
  isDestroyed(): boolean {
    return false;
  }
}

export const BrowserWindow = StandInWindow;

export const nativeTheme = { shouldUseDarkColors: false };

export const dialog = {};

export const app = {
  get isPackaged(): boolean {
    return stand.isPackaged;
  },
  on(name: string, listener: (...args: unknown[]) => void) {
    stand.appEvents.on(name, listener);
    return app;
  },
  requestSingleInstanceLock: () => true,
  quit: () => undefined,
  whenReady: () => ready,
  enableSandbox(): void {
    if (stand.isReady)
      throw new Error('app.enableSandbox() must be called before the app is ready');
    stand.sandboxEnabled = true;
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (stand.isReady) {
      throw new Error(
        'protocol.registerSchemesAsPrivileged must be called before the app is ready',
      );
    }
    stand.privilegedSchemes = schemes;
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    if (!stand.isReady) throw new Error('protocol.handle must wait until the app is ready');
    stand.protocolHandlers.set(scheme, handler);
  },
};

export const ipcMain = {
  handle: (channel: string, handler: IpcHandler) => stand.ipcHandlers.set(channel, handler),
  removeHandler: (channel: string) => stand.ipcHandlers.delete(channel),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler: PermissionRequestHandler) =>
      (stand.permissionRequest = handler),
    setPermissionCheckHandler: (handler: (...args: unknown[]) => boolean) =>
      (stand.permissionCheck = handler),
    webRequest: {
      onBeforeRequest: (handler: BeforeRequestHandler) => (stand.beforeRequest = handler),
    },
  },
};
