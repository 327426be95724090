/**
 * The contract over Electron IPC: one `handle` per request, each checking that the message
 * comes from the app's own page (`app://cairn/index.html`, exactly) in the top frame of the
 * app's window before the session validates its arguments. Job events go to the window
 * without the raw Electron event.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import {
  jobEventChannel,
  requestChannel,
  requestNames,
  type Envelope,
} from '../../shared/contract.js';
import type { Session } from '../session/session.js';
import { isAppUrl } from './security.js';

const refused: Envelope<never> = {
  ok: false,
  error: { kind: 'invalid-argument', message: 'Request refused.' },
};

export function registerIpc(session: Session, window: BrowserWindow, appUrl: string): () => void {
  const fromApp = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return (
      event.sender === window.webContents &&
      frame !== null &&
      frame === window.webContents.mainFrame &&
      isAppUrl(frame.url, appUrl)
    );
  };

  for (const name of requestNames) {
    ipcMain.handle(requestChannel(name), (event, args: unknown) =>
      fromApp(event) ? session.handle(name, args) : refused,
    );
  }
  const unsubscribe = session.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(jobEventChannel, event);
  });

  return () => {
    unsubscribe();
    for (const name of requestNames) ipcMain.removeHandler(requestChannel(name));
  };
}
