/**
 * Every security setting of the shell, in one place (SPEC F52): a sandboxed, context-isolated
 * renderer without Node; a strict CSP; no remote content; no new windows, navigation,
 * permissions or webviews. Electron's defaults are good, but they are spelled out here so a
 * change of default or a careless option elsewhere cannot weaken them silently.
 */
import { app, session, shell, type WebContents, type WebPreferences } from 'electron';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
].join('; ');

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
  };
}

/** The one page the app shows; anything else is refused. */
export function isAppUrl(url: string, appUrl: string): boolean {
  return url.split('#')[0] === appUrl;
}

/** Process-wide rules; call once when the app is ready. */
export function applyAppSecurity(appUrl: string): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // No remote content: only the app's own files load.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith('file://') || details.url.startsWith('devtools://');
    callback({ cancel: !allowed });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy],
      },
    });
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents, appUrl));
}

function guardContents(contents: WebContents, appUrl: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never inside Cairn.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
