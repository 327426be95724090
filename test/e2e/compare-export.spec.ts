/**
 * Compare and Export in the UI, on snapshots the CLI made with known changes: the Compare view
 * lists each file change and each API record that changed, and one record's field changes;
 * an export downloaded from `cairn serve` unpacks with the system's `unzip` and `tar` into
 * exactly the bytes that were backed up; its download address works once, and only signed in.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFixtureServer } from '../fixtures/api-server/server.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { BrowserPage } from './pages/browser-page.js';
import { ConnectPage } from './pages/connect-page.js';
import { SnapshotsPage } from './pages/snapshots-page.js';
import { expect, test, type Workspace } from './support/fixtures.js';

// The password cairn-cli.ts gives the CLI.
const password = 'correct horse battery staple';

interface Made {
  id: string;
  short_id: string;
  group: string;
}

async function snapshots(repo: string, workspace: Workspace): Promise<Made[]> {
  const res = await cairnOk(['snapshots', '--repo', repo, '--json'], {
    env: { CAIRN_HOME: workspace.cairnHome },
  });
  return JSON.parse(res.stdout) as Made[];
}

function cli(args: string[], workspace: Workspace) {
  return cairnOk(args, { env: { CAIRN_HOME: workspace.cairnHome } });
}

test.describe('compare and export @web-only', () => {
  test('compares two snapshots: files, API records and one record’s fields', async ({
    app,
    workspace,
    shot,
  }) => {
    const repo = workspace.path('repo');
    const src = workspace.path('Documents');
    mkdirSync(path.join(src, 'old'), { recursive: true });
    writeFileSync(path.join(src, 'edit.txt'), 'first version\n');
    writeFileSync(path.join(src, 'same.txt'), 'unchanged\n');
    writeFileSync(path.join(src, 'old', 'gone.txt'), 'removed later\n');
    await cli(['init', '--repo', repo], workspace);
    await cli(['backup', src, '--repo', repo], workspace);
    writeFileSync(path.join(src, 'edit.txt'), 'the second, longer version\n');
    rmSync(path.join(src, 'old'), { recursive: true });
    writeFileSync(path.join(src, 'added.txt'), 'new\n');
    await cli(['backup', src, '--repo', repo], workspace);

    const server = await startFixtureServer({ items: 12, projects: 2, commentsPerProject: 1 });
    try {
      const source = workspace.path('tracker.source.json');
      writeFileSync(
        source,
        JSON.stringify({
          name: 'tracker',
          baseUrl: server.baseUrl,
          endpoints: [
            {
              name: 'items',
              path: '/items',
              records: 'data',
              pagination: { type: 'page', sizeParam: 'per_page', size: 5 },
            },
          ],
        }),
      );
      await cli(['backup', '--api', source, '--repo', repo], workspace);
      server.data.items.edit(5, { title: 'Renamed' });
      server.data.items.delete(4);
      await cli(['backup', '--api', source, '--repo', repo], workspace);
    } finally {
      await server.close();
    }
    const made = await snapshots(repo, workspace);
    const folders = made.filter((s) => !s.group.includes('api:'));
    const api = made.filter((s) => s.group.includes('api:'));
    expect([folders.length, api.length]).toEqual([2, 2]);

    await new ConnectPage(app).open(repo, password);
    await app.getByTestId('nav-snapshots').click();
    await app.getByTestId('compare-open').click();
    await expect(app.getByTestId('compare-screen')).toBeVisible();

    await app.getByTestId('compare-a').selectOption(folders[0]!.id);
    await app.getByTestId('compare-b').selectOption(folders[1]!.id);
    await app.getByTestId('compare-start').click();
    const entries = app.getByTestId('compare-entry');
    await expect(entries).toHaveCount(4);
    const listed = await entries.evaluateAll((rows) =>
      rows.map((r) => `${r.getAttribute('data-change')} ${r.getAttribute('data-path')}`),
    );
    expect(listed).toEqual([
      'added /Documents/added.txt',
      'modified /Documents/edit.txt',
      'removed /Documents/old',
      'removed /Documents/old/gone.txt',
    ]);
    await expect(app.getByTestId('compare-summary')).toContainText(
      '1 file added, 1 file removed, 1 file changed',
    );
    await shot('compare-files');

    await app.getByTestId('compare-a').selectOption(api[0]!.id);
    await app.getByTestId('compare-b').selectOption(api[1]!.id);
    await app.getByTestId('compare-start').click();
    const records = app.getByTestId('compare-record');
    await expect(records).toHaveCount(2);
    await expect(app.getByTestId('compare-records-summary')).toContainText(
      'API records: 0 added, 1 removed, 1 changed.',
    );
    await expect(records.and(app.locator('[data-change="removed"]'))).toHaveAttribute(
      'data-id',
      '4',
    );
    const changed = records.and(app.locator('[data-change="changed"]'));
    await expect(changed).toHaveAttribute('data-id', '5');
    await changed.getByTestId('compare-record-open').click();
    const title = app.locator('[data-testid="compare-field"][data-field="title"]');
    await expect(title.getByTestId('compare-field-after')).toHaveText('"Renamed"');
    await expect(title.getByTestId('compare-field-before')).not.toHaveText('"Renamed"');
    await shot('compare-record');
  });

  test('exports a snapshot as zip and a folder as tar.gz, byte for byte', async ({
    app,
    workspace,
  }) => {
    const repo = workspace.path('repo');
    const src = workspace.path('Documents');
    mkdirSync(path.join(src, 'notes', 'deep'), { recursive: true });
    const files: Record<string, Buffer> = {
      'budget.csv': Buffer.from('month,amount\njan,120\n'),
      'notes/welcome.md': Buffer.from('# Welcome — ünïcode\n'),
      'notes/deep/data.bin': Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(src, name), bytes);
    await cli(['init', '--repo', repo], workspace);
    await cli(['backup', src, '--repo', repo], workspace);
    const [snap] = await snapshots(repo, workspace);

    await new ConnectPage(app).open(repo, password);
    await app.getByTestId('nav-snapshots').click();
    await new SnapshotsPage(app).open(snap!.short_id);

    // The whole snapshot as a zip.
    await app.getByTestId('export-open').click();
    await app.getByTestId('export-format-zip').check();
    const zipDownload = app.waitForEvent('download');
    await app.getByTestId('export-start').click();
    const zipFile = workspace.path('export.zip');
    const download = await zipDownload;
    await download.saveAs(zipFile);
    // The address is good once, and only with the access token's cookie.
    expect((await app.request.get(download.url())).status()).toBe(404);
    expect((await fetch(download.url())).status).toBe(401);
    const job = app.getByTestId('export-panel').getByTestId('job-card');
    await expect(job).toHaveAttribute('data-status', 'succeeded');
    await expect(job.getByTestId('job-result')).toContainText('3 files');
    const unzipped = workspace.path('unzipped');
    execFileSync('unzip', ['-q', zipFile, '-d', unzipped]);
    for (const [name, bytes] of Object.entries(files)) {
      expect(readFileSync(path.join(unzipped, 'Documents', name)).equals(bytes), name).toBe(true);
    }
    await app.getByTestId('export-close').click();

    // One folder as a tar.gz: its entries start at the folder's own name.
    await new BrowserPage(app).select('/Documents/notes');
    await app.getByTestId('export-open').click();
    await app.getByTestId('export-scope-selected').check();
    await app.getByTestId('export-format-tar.gz').check();
    const tarDownload = app.waitForEvent('download');
    await app.getByTestId('export-start').click();
    const tarFile = workspace.path('notes.tar.gz');
    await (await tarDownload).saveAs(tarFile);
    const untarred = workspace.path('untarred');
    mkdirSync(untarred);
    execFileSync('tar', ['-xzf', tarFile, '-C', untarred]);
    expect(
      execFileSync('find', ['.', '-type', 'f'], { cwd: untarred, encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .sort(),
    ).toEqual(['./notes/deep/data.bin', './notes/welcome.md']);
    for (const name of ['notes/welcome.md', 'notes/deep/data.bin']) {
      expect(readFileSync(path.join(untarred, name)).equals(files[name]!), name).toBe(true);
    }
  });

  test('cancels an export: the job ends as cancelled and its download address is dead', async ({
    app,
    workspace,
  }) => {
    const repo = workspace.path('repo');
    const src = workspace.path('Documents');
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'some text\n');
    await cli(['init', '--repo', repo], workspace);
    await cli(['backup', src, '--repo', repo], workspace);
    const [snap] = await snapshots(repo, workspace);
    // The page's click on the download link is held back, so the job waits for the browser.
    await app.addInitScript({
      content:
        'HTMLAnchorElement.prototype.click = function () { document.body.dataset.heldDownload = this.href; };',
    });
    await app.reload();
    await new ConnectPage(app).open(repo, password);
    await app.getByTestId('nav-snapshots').click();
    await new SnapshotsPage(app).open(snap!.short_id);
    await app.getByTestId('export-open').click();
    await app.getByTestId('export-start').click();
    const job = app.getByTestId('export-panel').getByTestId('job-card');
    await expect(job).toHaveAttribute('data-status', 'running');
    await expect(app.locator('body')).toHaveAttribute('data-held-download', /\/download\//);
    const held = (await app.locator('body').getAttribute('data-held-download'))!;
    await job.getByTestId('job-cancel').click();
    await expect(job).toHaveAttribute('data-status', 'cancelled');
    await expect(job.getByTestId('job-cancelled')).toBeVisible();
    expect((await app.request.get(held)).status()).toBe(404);
  });
});
