// End-to-end tests: the built UI in Debian's Chromium against the real engine in web mode
// (`cairn serve`), and the same specs in Electron when a binary is present. Run with
// `npm run test:e2e`, which builds first.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/playwright',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'web', use: { browserName: 'chromium', colorScheme: 'light' } },
    { name: 'web-dark', use: { browserName: 'chromium', colorScheme: 'dark' }, grep: /@screens/ },
    { name: 'electron', use: { browserName: 'chromium' }, grepInvert: /@web-only/ },
  ],
});
