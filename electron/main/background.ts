/**
 * Plans run while the window is closed: the desktop app hosts the same plan host as
 * `cairn serve` (electron/plans/plan-host.ts), and when the last window closes it stays in the
 * tray as long as plans exist, with "Open Cairn" and "Quit". Without plans it quits as before.
 */
import { app, Menu, nativeImage, Tray } from 'electron';
import type { EngineService } from '../engine/service-types.js';
import { planFiles } from '../plans/plan-files.js';
import { startPlanHost, type PlanHost } from '../plans/plan-host.js';

/** Three stacked stones, 16×16 (the app has no icon file yet). */
const TRAY_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAANElEQVR42mOISshgoAQzDGoD/qNhkgz4jwMPERf8J4Bpb8DAeuE/kZh2BlAtENENo11mAgDW0XHAxoKqNwAAAABJRU5ErkJggg==';

export interface Background {
  plans: PlanHost;
  /** The last window closed: stay in the tray if plans exist, else quit. */
  windowsClosed(): void;
  /** Stops the plans (a running one is cancelled and recorded so) before the app exits. */
  stop(): Promise<void>;
}

export async function startBackground(
  engine: EngineService,
  home: string,
  openWindow: () => void,
): Promise<Background> {
  const plans = await startPlanHost({ engine, files: planFiles(home) });
  let tray: Tray | null = null;
  return {
    plans,
    windowsClosed() {
      if (plans.scheduler.status().length === 0) {
        app.quit();
        return;
      }
      if (tray !== null) return;
      tray = new Tray(nativeImage.createFromDataURL(TRAY_ICON));
      tray.setToolTip('Cairn: plans run in the background');
      tray.setContextMenu(
        Menu.buildFromTemplate([
          { label: 'Open Cairn', click: openWindow },
          { type: 'separator' },
          { label: 'Quit', click: () => app.quit() },
        ]),
      );
      tray.on('click', openWindow);
    },
    async stop() {
      tray?.destroy();
      tray = null;
      await plans.stop();
    },
  };
}
