/**
 * A plan made in the app runs by itself: a repository is created, a plan "every 1m" on a
 * folder is saved from the Plans screen (its password into the OS keychain), and `cairn serve`'s
 * scheduler — not the page — runs it; the plan then shows a completed last run. Paused, it stays
 * paused after a reload. config.json holds a keychain: reference, never the password.
 *
 * The plan form's other schedules and fields: a weekly plan and a cron plan, each with excludes
 * and an API source (the fixture API on 127.0.0.1, its token by `env:` reference), their next
 * runs previewed, a relative folder said at once; and on a repository with a few snapshots of a
 * plan, what the keep-* rules as typed would keep and remove, nothing removed.
 *
 * The server runs inside its own D-Bus session with gnome-keyring unlocked (the real Secret
 * Service), as the keychain tests do; without them the spec is skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActivityPage } from './pages/activity-page.js';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { startCairnServe } from './support/cairn-serve.js';
import { expect, test } from './support/fixtures.js';
import { makeDocuments } from './support/sample-data.js';
import { startFixtureServer } from '../fixtures/api-server/server.js';
import { cairnOk } from '../helpers/cairn-cli.js';

const password = 'plans-e2e-Pw-4k!Tz';
// Reach `cairn serve` (it inherits this environment) as `env:` references: the definition
// and the plan name them, never hold them.
const apiToken = 'plans-e2e-api-token-9c1d';
process.env.CAIRN_E2E_PLAN_API_TOKEN = apiToken;
process.env.CAIRN_E2E_PLAN_PASSWORD = password;
const cli = path.resolve('dist/cli/cairn.js');
const haveSecretService = ['dbus-run-session', 'gnome-keyring-daemon'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

async function serveWithKeychain(cairnHome: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      'echo -n cairn-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"',
      'sh',
      process.execPath,
      cli,
      'serve',
      '--port',
      '0',
    ],
    {
      // A keyring of its own, created and unlocked with a known password (the user's is not touched).
      env: {
        ...process.env,
        CAIRN_HOME: cairnHome,
        XDG_DATA_HOME: path.join(cairnHome, '..', 'keyrings'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /http:\/\/\S+\?token=\S+/.exec(stdout);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`cairn serve exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

test.describe('plans made in the app @web-only', () => {
  test('run on their schedule by cairn serve, and stay paused across a reload', async ({
    page,
    workspace,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'drives cairn serve');
    test.skip(!haveSecretService, 'needs dbus-run-session and gnome-keyring');
    test.setTimeout(240_000);
    const { url, child } = await serveWithKeychain(workspace.cairnHome);
    try {
      await page.goto(url);
      const repo = workspace.path('repo');
      const documents = makeDocuments(workspace.root);
      await new ConnectPage(page).create(repo, password);
      await new AppShell(page).expectOpen(repo);

      await page.getByTestId('nav-plans').click();
      await expect(page.getByTestId('plans-empty')).toBeVisible();
      await page.getByTestId('plan-new').click();
      await page.getByTestId('plan-name').fill('documents');
      await page.getByTestId('plan-password').fill(password);
      // A folder that is not there is refused, naming it, at the folders field.
      const missing = workspace.path('not-there');
      await page.getByTestId('plan-folders').fill(missing);
      await page.getByTestId('plan-every').fill('1m');
      await expect(page.getByTestId('plan-preview')).toContainText('Next runs:');
      await page.getByTestId('plan-save').click();
      await expect(page.getByTestId('plan-error-folders')).toHaveText(`${missing} does not exist`);

      await page.getByTestId('plan-folders').fill(documents);
      await page.getByTestId('plan-save').click();
      const card = page.locator('[data-testid="plan-card"][data-plan="documents"]');
      await expect(card).toBeVisible();
      const config = readFileSync(path.join(workspace.cairnHome, 'config.json'), 'utf8');
      expect(config).toContain('"password": "keychain:');
      expect(config).not.toContain(password);

      // The scheduler's run, not one started here: the page only looks.
      await expect(card).toHaveAttribute('data-last-result', 'ok', { timeout: 180_000 });
      await expect(card.getByTestId('plan-last-run')).toContainText(', ok');
      // …and it is in Activity, as a run the scheduler started (not one by hand).
      await page.getByTestId('nav-activity').click();
      const scheduled = new ActivityPage(page).root.locator(
        '[data-testid="activity-run"][data-plan="documents"][data-result="ok"]',
      );
      await expect(scheduled.first()).toContainText(/scheduled run|catch-up run/);
      await page.getByTestId('nav-plans').click();

      await card.getByTestId('plan-pause').click();
      await expect(card).toHaveAttribute('data-paused', 'yes');
      await page.reload();
      // The repository stays open in cairn serve's session; with a plan, the app opens on Plans.
      await expect(page.getByTestId('plans-screen')).toBeVisible();
      await expect(card).toHaveAttribute('data-paused', 'yes');
      await expect(card.getByTestId('plan-health')).toHaveText('paused');
      await expect(card.getByTestId('plan-resume')).toBeVisible();
    } finally {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    }
  });

  test('weekly and cron plans with excludes and an API source, their runs previewed', async ({
    page,
    workspace,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'drives cairn serve');
    test.skip(!haveSecretService, 'needs dbus-run-session and gnome-keyring');
    test.setTimeout(180_000);
    const server = await startFixtureServer({
      items: 8,
      auth: { type: 'bearer', token: apiToken },
    });
    const { url, child } = await serveWithKeychain(workspace.cairnHome);
    try {
      await page.goto(url);
      const repo = workspace.path('repo');
      const documents = makeDocuments(workspace.root);
      await new ConnectPage(page).create(repo, password);
      await new AppShell(page).expectOpen(repo);
      await page.getByTestId('nav-plans').click();
      const definition = (name: string) =>
        JSON.stringify(
          {
            name,
            baseUrl: server.baseUrl,
            auth: { type: 'bearer', token: 'env:CAIRN_E2E_PLAN_API_TOKEN' },
            endpoints: [
              { name: 'items', path: '/items', records: 'data', pagination: { type: 'none' } },
            ],
          },
          null,
          2,
        );

      // Weekly, Monday and Thursday at 18:00.
      await page.getByTestId('plan-new').click();
      await page.getByTestId('plan-name').fill('weekly');
      await page.getByTestId('plan-password').fill(password);
      // A relative path is said at once, next to the field, before any save.
      await page.getByTestId('plan-folders').fill('Documents');
      await expect(page.getByTestId('plan-folder-problem')).toHaveText(
        'Documents is not a full path (start at the root, like /home/me/Documents)',
      );
      await page.getByTestId('plan-folders').fill(documents);
      await expect(page.getByTestId('plan-folder-problems')).toHaveCount(0);
      await page.getByTestId('plan-excludes').fill('*.tmp\ncache/');
      await page.getByTestId('plan-schedule-kind').selectOption('weekly');
      await page.getByTestId('plan-day-thu').check();
      await page.getByTestId('plan-time').fill('18:00');
      const preview = page.getByTestId('plan-preview');
      await expect(preview).toHaveText(/^Next runs: (\d{4}-\d\d-\d\d 18:00:00( · )?){5}$/);
      for (const day of (await preview.textContent())!.match(/\d{4}-\d\d-\d\d/g)!)
        expect([1, 4]).toContain(new Date(`${day}T12:00:00Z`).getUTCDay());
      await page.getByTestId('plan-api-add').click();
      await page.getByTestId('plan-api-text').fill(definition('tracker'));
      await expect(page.getByTestId('plan-api-validation')).toHaveText('✓ tracker: items');
      await page.getByTestId('plan-save').click();
      const weekly = page.locator('[data-testid="plan-card"][data-plan="weekly"]');
      await expect(weekly).toContainText('mon, thu at 18:00');

      // Cron, every 30 minutes from 9 to 17 on weekdays; a bad expression is said first.
      await page.getByTestId('plan-new').click();
      await page.getByTestId('plan-name').fill('cron');
      await page.getByTestId('plan-password').fill(password);
      await page.getByTestId('plan-folders').fill(documents);
      await page.getByTestId('plan-excludes').fill('*.log');
      await page.getByTestId('plan-schedule-kind').selectOption('cron');
      await page.getByTestId('plan-cron').fill('*/30 9-17 * *');
      await expect(page.getByTestId('plan-schedule-error')).toContainText(
        'cron expression "*/30 9-17 * *"',
      );
      await page.getByTestId('plan-cron').fill('*/30 9-17 * * 1-5');
      await expect(page.getByTestId('plan-preview')).toHaveText(
        /^Next runs: (\d{4}-\d\d-\d\d (09|1[0-7]):(00|30):00( · )?){5}$/,
      );
      await page.getByTestId('plan-api-add').click();
      await page.getByTestId('plan-api-text').fill(definition('crm'));
      await expect(page.getByTestId('plan-api-validation')).toHaveText('✓ crm: items');
      await page.getByTestId('plan-api-every').fill('15m');
      await page.getByTestId('plan-save').click();
      const cron = page.locator('[data-testid="plan-card"][data-plan="cron"]');
      await expect(cron).toContainText('cron */30 9-17 * * 1-5');

      // As `cairn plan add` would have saved them: the definitions as files under CAIRN_HOME,
      // naming the token by reference; no secret in the configuration.
      const config = JSON.parse(
        readFileSync(path.join(workspace.cairnHome, 'config.json'), 'utf8'),
      ) as { plans: Record<string, unknown>[] };
      expect(config.plans).toMatchObject([
        {
          name: 'weekly',
          schedule: { type: 'weekly', days: ['mon', 'thu'], time: '18:00' },
          excludes: ['*.tmp', 'cache/'],
        },
        {
          name: 'cron',
          schedule: { type: 'cron', expression: '*/30 9-17 * * 1-5' },
          excludes: ['*.log'],
          apiEverySeconds: 900,
        },
      ]);
      for (const plan of config.plans) {
        const [file] = plan.apiSources as string[];
        expect(path.dirname(file!)).toBe(path.join(workspace.cairnHome, 'plan-api-sources'));
        const kept = readFileSync(file!, 'utf8');
        expect(kept).toContain('env:CAIRN_E2E_PLAN_API_TOKEN');
        expect(kept).not.toContain(apiToken);
      }
      const text = readFileSync(path.join(workspace.cairnHome, 'config.json'), 'utf8');
      expect(text).not.toContain(password);

      // Edited, the form gives back what was saved.
      await cron.getByTestId('plan-edit').click();
      await expect(page.getByTestId('plan-cron')).toHaveValue('*/30 9-17 * * 1-5');
      await expect(page.getByTestId('plan-excludes')).toHaveValue('*.log');
      await expect(page.getByTestId('plan-api-text')).toHaveValue(definition('crm'));
      await expect(page.getByTestId('plan-api-every')).toHaveValue('15m');
    } finally {
      await server.close();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    }
  });

  test('the retention typed shows which of the plan’s snapshots it would keep, and why', async ({
    page: app,
    workspace,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'drives cairn serve');
    test.setTimeout(180_000);
    // A plan made with the CLI, its password by env: reference, run three times.
    const repo = workspace.path('repo');
    const documents = makeDocuments(workspace.root);
    const env = { CAIRN_HOME: workspace.cairnHome, CAIRN_PASSWORD: password };
    await cairnOk(['init', '--repo', repo], { env });
    await cairnOk(
      [
        'plan',
        'add',
        'documents',
        '--repo',
        repo,
        documents,
        '--password-ref',
        'env:CAIRN_E2E_PLAN_PASSWORD',
        '--every',
        '1d',
      ],
      { env },
    );
    for (let i = 0; i < 3; i++) {
      writeFileSync(path.join(documents, 'changing.txt'), `version ${i}\n`);
      await cairnOk(['plan', 'run', 'documents'], { env });
    }
    const snapshots = async () =>
      JSON.parse((await cairnOk(['snapshots', '--repo', repo, '--json'], { env })).stdout) as {
        short_id: string;
        group: string;
      }[];
    const made = (await snapshots()).filter(
      (s) => s.group === `host:${os.hostname()};plan:documents`,
    );
    expect(made).toHaveLength(3);

    // cairn serve starts once the plan has run: its scheduler finds it not due.
    const served = await startCairnServe(workspace.cairnHome);
    try {
      await app.goto(served.url);
      await new ConnectPage(app).open(repo, password);
      await new AppShell(app).expectOpen(repo);
      await app.getByTestId('nav-plans').click();
      const card = app.locator('[data-testid="plan-card"][data-plan="documents"]');
      await card.getByTestId('plan-edit').click();
      // No password typed: the plan's own reference opens the repository.
      await app.getByTestId('plan-keep-last').fill('1');
      await app.getByTestId('plan-retention-show').click();
      await expect(app.getByTestId('plan-retention-summary')).toHaveText(
        'Of 3 snapshots of this plan, 1 would be kept and 2 removed.',
      );
      await expect(app.getByTestId('plan-retention-kept')).toHaveCount(1);
      await expect(app.getByTestId('plan-retention-kept')).toContainText('kept (last snapshot)');
      await expect(app.getByTestId('plan-retention-removed')).toHaveCount(2);
      await expect(app.getByTestId('plan-retention-removed').first()).toContainText(
        'removed (no rule keeps it)',
      );
      // The preview follows the rules as they are typed.
      await app.getByTestId('plan-keep-last').fill('5');
      await expect(app.getByTestId('plan-retention-summary')).toHaveText(
        'Of 3 snapshots of this plan, 3 would be kept and 0 removed.',
      );
      await expect(app.getByTestId('plan-retention-removed')).toHaveCount(0);
      // A preview removes nothing.
      expect(await snapshots()).toHaveLength(3);
    } finally {
      await served.stop();
    }
  });
});
