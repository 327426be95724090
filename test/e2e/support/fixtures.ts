/**
 * Fixtures shared by every spec: a temp workspace (with its own CAIRN_HOME), the app opened in
 * the project's shell — Chromium on `cairn serve`, or Electron when a binary is present — and a
 * helper that saves a screenshot of each screen under test-results/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, _electron, type Page } from '@playwright/test';
import { startCairnServe, type ServedCairn } from './cairn-serve.js';

export interface Workspace {
  root: string;
  cairnHome: string;
  /** A fresh path under the workspace (not created). */
  path(...parts: string[]): string;
}

interface Fixtures {
  workspace: Workspace;
  /** Web projects only: the running server. */
  served: ServedCairn | null;
  app: Page;
  shot: (name: string) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  workspace: async ({}, use) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cairn-e2e-'));
    const cairnHome = path.join(root, 'cairn-home');
    mkdirSync(cairnHome);
    await use({ root, cairnHome, path: (...parts) => path.join(root, ...parts) });
    // A keyring daemon a spec started may still be writing its keyring here for a moment after
    // its D-Bus session ended (it runs detached): retry rather than fail a passed test on it.
    rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  },

  served: async ({ workspace }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      await use(null);
      return;
    }
    const served = await startCairnServe(workspace.cairnHome);
    await use(served);
    await served.stop();
  },

  app: async ({ page, served, workspace }, use, testInfo) => {
    if (served !== null) {
      await page.goto(served.url);
      await use(page);
      return;
    }
    const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    testInfo.skip(
      !dist,
      'No Electron binary here: set ELECTRON_OVERRIDE_DIST_PATH to run in Electron.',
    );
    const electronApp = await _electron.launch({
      args: [path.resolve('dist/electron/main/index.js'), '--no-sandbox'],
      env: { ...process.env, CAIRN_HOME: workspace.cairnHome } as Record<string, string>,
    });
    const window = await electronApp.firstWindow();
    await use(window);
    await electronApp.close();
  },

  shot: async ({ app }, use, testInfo) => {
    const dir = path.resolve('test-results', 'screenshots', testInfo.project.name);
    mkdirSync(dir, { recursive: true });
    await use(async (name) => {
      // Let CSS transitions (progress bar width) settle before capturing.
      await app.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
      await app.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
    });
  },
});

export { expect } from '@playwright/test';
