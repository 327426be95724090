/**
 * The app's one window, showing the app's page (served on its own origin by app-protocol.ts).
 */
import { BrowserWindow, nativeTheme } from 'electron';
import { secureWebPreferences } from './security.js';

export function createMainWindow(preload: string, url: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 860,
    minHeight: 560,
    show: false,
    title: 'Cairn',
    // Matches the renderer's background so the first paint does not flash.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#111417' : '#f6f7f9',
    webPreferences: secureWebPreferences(preload),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(url);
  return window;
}
