/**
 * Every security setting of the shell, in one place (docs/security.md lists them
 * against Electron's checklist): the app is served from its own origin, `app://cairn`, never
 * from file://, with a strict CSP; a sandboxed, context-isolated renderer without Node; no
 * remote content; no new windows, navigation, permissions or webviews; no DevTools once
 * packaged. Electron's defaults are good, but they are spelled out here so a change of default
 * or a careless option elsewhere cannot weaken them silently. The fuses, which are set in the
 * binary at packaging time, are listed in electron/packaging/fuses.ts.
 */
import {
  app,
  protocol,
  session,
  type CustomScheme,
  type WebContents,
  type WebPreferences,
} from 'electron';

export const appScheme = 'app';
/** The app's own origin: its built renderer, served by app-protocol.ts. */
export const appOrigin = `${appScheme}://cairn`;
/** The one page the app shows; anything else is refused (navigation, IPC). */
export const appUrl = `${appOrigin}/index.html`;

// Standard and secure: a real origin of its own and a secure context, like https. CORS and
// fetch support let Chromium load the bundle's ES modules (`<script type="module"
// crossorigin>`) from it. They open nothing to others: no other origin ever loads in the app
// (applyAppSecurity), and the CSP keeps the page itself from fetching anything.
const appSchemePrivileges: CustomScheme = {
  scheme: appScheme,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    corsEnabled: true,
    codeCache: true,
  },
};

// The renderer needs its own scripts and styles (its icons and charts are inline SVG). Nothing
// else: it talks to the main process over IPC, so it connects nowhere.
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every response of the app's origin. */
export const appResponseHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
};

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // A user of the shipped app has no use for them; a page that tricked its way in would.
    devTools: !app.isPackaged,
  };
}

export function isAppUrl(url: string, expected: string = appUrl): boolean {
  return url.split('#')[0] === expected;
}

/** What must be settled before Electron is ready: the app's scheme, sandboxing for all. */
export function applySecurityBeforeReady(): void {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
}

/** Process-wide rules; call once when the app is ready, before any window. */
export function applyAppSecurity(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // No remote content: only the app's own origin loads (and, unpackaged, DevTools).
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !requestAllowed(details.url) });
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
}

function requestAllowed(url: string): boolean {
  if (url.startsWith(`${appOrigin}/`)) return true;
  return !app.isPackaged && url.startsWith('devtools://');
}

function guardContents(contents: WebContents): void {
  // The app opens no windows and links nowhere, so nothing is handed to the OS either.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Every frame, top or sub, stays on the app's page.
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
