/**
 * Plans in the app, what only the CLI could do or see before:
 * - a plan's time zone is set in the plan form (a new plan starts in this machine's); the next
 *   runs preview follows the zone typed, an unknown zone is said at once, and the zone saved is
 *   the plan's (the card and config.json show it).
 * - `cairn plan run` started in a terminal while `cairn serve` runs shows in Activity as running,
 *   with its plan, since when and its progress; killed, it is not shown as running any more.
 *
 * The plans are made with the CLI (passwords by `file:` reference) before `cairn serve` starts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ActivityPage } from './pages/activity-page.js';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { startCairnServe } from './support/cairn-serve.js';
import { expect, test } from './support/fixtures.js';
import { cairnOkSync } from '../helpers/cairn-cli.js';
import { cliRepository } from './support/cli-repository.js';
import { makeDocuments, makeSparseImage } from './support/sample-data.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';

const password = 'plans-gaps-e2e-Pw-7q!Lm';

test.describe('plans: time zone, runs from a terminal @web-only', () => {
  test("a plan's time zone is set in the form, previewed and saved", async ({
    page,
    workspace,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'drives cairn serve');
    test.setTimeout(120_000);
    const { repo, env, ref } = cliRepository(workspace, password);
    const documents = makeDocuments(workspace.root);
    cairnOkSync(
      ['plan', 'add', 'docs', '--repo', repo, documents, '--password-ref', ref, '--every', '6h'],
      { ...env, TZ: 'UTC' },
    );

    const served = await startCairnServe(workspace.cairnHome);
    try {
      await page.goto(served.url);
      await new ConnectPage(page).open(repo, password);
      await new AppShell(page).expectOpen(repo);
      const card = page.locator('[data-testid="plan-card"][data-plan="docs"]');
      await expect(card).toContainText('(UTC)');

      await card.getByTestId('plan-edit').click();
      const zone = page.getByTestId('plan-time-zone');
      await expect(zone).toHaveValue('UTC');
      const preview = page.getByTestId('plan-preview');
      await expect(preview).toContainText('Next runs:');
      const inUtc = await preview.textContent();

      await zone.fill('Mars/Olympus_Mons');
      await expect(page.getByTestId('plan-schedule-error')).toHaveText(
        'unknown time zone "Mars/Olympus_Mons"',
      );
      // Kathmandu is 5:45 ahead of UTC: the same runs read differently on its clock.
      await zone.fill('Asia/Kathmandu');
      await expect(preview).toContainText('Next runs:');
      await expect(preview).not.toHaveText(inUtc!);
      await page.getByTestId('plan-save').click();
      await expect(card).toContainText('(Asia/Kathmandu)');
      const config = JSON.parse(
        readFileSync(path.join(workspace.cairnHome, 'config.json'), 'utf8'),
      );
      expect(config.plans[0].timeZone).toBe('Asia/Kathmandu');

      // A new plan starts in this machine's zone (the browser here runs on the same machine).
      await page.getByTestId('plan-new').click();
      const local = await page.evaluate(() => new Intl.DateTimeFormat().resolvedOptions().timeZone);
      await expect(page.getByTestId('plan-time-zone')).toHaveValue(local);
    } finally {
      await served.stop();
    }
  });

  test('a plan run from a terminal shows in Activity as running', async ({
    page,
    workspace,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'drives cairn serve');
    test.setTimeout(180_000);
    const { repo, env, ref } = cliRepository(workspace, password);
    const image = makeSparseImage(workspace.root, 8);
    cairnOkSync(['plan', 'add', 'image', '--repo', repo, image, '--password-ref', ref], env);

    const served = await startCairnServe(workspace.cairnHome);
    try {
      await page.goto(served.url);
      await new ConnectPage(page).open(repo, password);
      const shell = new AppShell(page);
      await shell.expectOpen(repo);
      await page.getByTestId('nav-activity').click();
      const activity = new ActivityPage(page);
      await expect(activity.root).toBeVisible();

      // The terminal's run, frozen at its fifth progress event while the page looks (its
      // progress is written for other processes from the first one on).
      let events = 0;
      const run = await killOnProgress(['plan', 'run', 'image'], () => ++events === 5, {
        env: { ...env, CAIRN_PASSWORD: '' },
        whileFrozen: async () => {
          const running = activity.run('running');
          await expect(running).toHaveAttribute('data-plan', 'image', { timeout: 30_000 });
          await expect(running).toContainText('plan image');
          await expect(running).toContainText('Running');
          await expect(running.getByTestId('job-progress-text')).toContainText('file');
        },
      });
      expect(run.killed).toBe(true);
      // Killed, the run is not running any more: it is listed as cut short.
      await expect(activity.run('interrupted')).toHaveAttribute('data-plan', 'image', {
        timeout: 30_000,
      });
      await expect(activity.run('running')).toHaveCount(0);
    } finally {
      await served.stop();
    }
  });
});
