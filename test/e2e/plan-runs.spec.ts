/**
 * A plan's run is a live job in the app: "Run now" on a plan whose backup takes a while (a
 * large sparse disk image) shows its progress with rate and ETA on the plan's card and in
 * Activity, where Cancel stops it; the run is then recorded as cancelled and the repository
 * checks clean. A plan that has gone three intervals without a completed backup is shown as
 * an overdue alert, naming it and since when, on the Plans and Activity screens.
 *
 * The plans are made with the CLI (passwords by `file:` reference) before `cairn serve` starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ActivityPage } from './pages/activity-page.js';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { startCairnServe } from './support/cairn-serve.js';
import { expect, test } from './support/fixtures.js';
import { cairnOkSync } from '../helpers/cairn-cli.js';
import { cliRepository } from './support/cli-repository.js';
import { makeDocuments, makeSparseImage } from './support/sample-data.js';

const password = 'plan-runs-e2e-Pw-3x!Qd';

test.describe('plan runs in the app @web-only', () => {
  test('Run now is followed and cancelled as a job; an overdue plan is an alert', async ({
    page,
    workspace,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'drives cairn serve');
    test.setTimeout(240_000);
    const { repo, env, ref } = cliRepository(workspace, password);
    const image = makeSparseImage(workspace.root, 8);
    const documents = makeDocuments(workspace.root);
    cairnOkSync(['plan', 'add', 'image', '--repo', repo, image, '--password-ref', ref], env);
    // Daily, twelve hours from now (it does not run during the test), and made long ago.
    const at = `${String((new Date().getUTCHours() + 12) % 24).padStart(2, '0')}:00`;
    cairnOkSync(
      ['plan', 'add', 'stale', '--repo', repo, documents, '--password-ref', ref, '--daily', at],
      env,
    );
    const configFile = path.join(workspace.cairnHome, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
      plans: { name: string; created: string; timeZone: string }[];
    };
    const stale = config.plans.find((p) => p.name === 'stale')!;
    stale.created = '2026-01-02T03:04:05.000Z';
    stale.timeZone = 'UTC';
    writeFileSync(configFile, JSON.stringify(config, null, 2));

    const served = await startCairnServe(workspace.cairnHome);
    try {
      await page.goto(served.url);
      await new ConnectPage(page).open(repo, password);
      const shell = new AppShell(page);
      await shell.expectOpen(repo);
      await expect(page.getByTestId('plans-screen')).toBeVisible();

      // The overdue plan, named, with since when.
      const alert = page.locator('[data-testid="overdue-alert"][data-plan="stale"]');
      await expect(alert).toContainText('Plan stale is overdue');
      await expect(alert).toContainText('since it was created (2026-01-02 03:04:05)');
      await expect(page.getByTestId('overdue-alert')).toHaveCount(1);

      // Run now: the plan's card follows the run live.
      const card = page.locator('[data-testid="plan-card"][data-plan="image"]');
      await card.getByTestId('plan-run-now').click();
      const live = card.getByTestId('job-card');
      await expect(live.getByTestId('job-rate')).toContainText('/s', { timeout: 60_000 });
      await expect(live.getByTestId('job-plan')).toHaveText(' · plan image');

      // In Activity it is the running entry of the plan, with rate, ETA and Cancel.
      await shell.goTo('activity');
      const activity = new ActivityPage(page);
      await expect(page.locator('[data-testid="overdue-alert"][data-plan="stale"]')).toContainText(
        'Plan stale is overdue',
      );
      const running = page.locator(
        '[data-testid="activity-run"][data-result="running"][data-plan="image"]',
      );
      const job = running.getByTestId('job-card');
      await expect(job.getByTestId('job-rate')).toContainText('/s');
      await expect(job.getByTestId('job-eta')).toBeVisible();
      await job.getByTestId('job-cancel').click();

      const cancelled = page.locator(
        '[data-testid="activity-run"][data-result="cancelled"][data-plan="image"]',
      );
      await expect(cancelled).toHaveCount(1, { timeout: 60_000 });
      await expect(cancelled.getByTestId('run-result')).toHaveText('Cancelled', {
        timeout: 30_000,
      });
      await expect(cancelled).toContainText('run by hand');
      await expect(activity.runs).toHaveCount(1);
    } finally {
      await served.stop();
    }
    // Recorded as cancelled, and the repository is sound.
    const runs = JSON.parse(cairnOkSync(['activity', '--json'], env)) as {
      runs: { plan: string; trigger: string; result: string }[];
    };
    expect(runs.runs.map((r) => [r.plan, r.trigger, r.result])).toEqual([
      ['image', 'manual', 'cancelled'],
    ]);
    cairnOkSync(['check', '--repo', repo], env);
  });
});
