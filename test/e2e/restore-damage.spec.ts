import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { flipBlob, repositoryLayout } from '../helpers/repo-damage.js';
import { AppShell } from './pages/app-shell.js';
import { BrowserPage } from './pages/browser-page.js';
import { ConnectPage } from './pages/connect-page.js';
import { SnapshotsPage } from './pages/snapshots-page.js';
import { expect, test } from './support/fixtures.js';

test.describe('restore from a damaged repository', () => {
  test('restores the sound files and shows the job as done with problems, naming the damaged file', async ({
    app,
    workspace,
    shot,
  }) => {
    const documents = workspace.path('Documents');
    mkdirSync(documents);
    for (const name of ['budget.csv', 'letter.txt', 'plan.md'])
      writeFileSync(path.join(documents, name), randomBytes(4000));
    const repo = workspace.path('repo');
    await cairnOk(['init', '--repo', repo]);
    const snapshot = JSON.parse(
      (await cairnOk(['backup', documents, '--repo', repo, '--json'])).stdout,
    ).snapshot as { short_id: string; tree: string };
    const layout = await repositoryLayout(repo, snapshot.tree);
    flipBlob(repo, layout, layout.files.get('/Documents/letter.txt')![0]!);

    await new ConnectPage(app).open(repo, 'correct horse battery staple');
    const shell = new AppShell(app);
    await shell.expectOpen(repo);
    await shell.goTo('snapshots');
    await new SnapshotsPage(app).open(snapshot.short_id);
    const restored = workspace.path('restored');
    const summary = await new BrowserPage(app).restore({
      scope: 'all',
      target: restored,
      overwrite: 'skip',
    });

    const job = app.getByTestId('restore-panel').getByTestId('job-card');
    await expect(job).toHaveAttribute('data-outcome', 'incomplete');
    await expect(job.getByTestId('job-status')).toHaveText('Completed with warnings');
    await expect(summary).toContainText('2 files restored');
    const damaged = summary.getByTestId('job-damaged');
    await expect(damaged).toContainText('1 file or folder could not be restored');
    await expect(damaged).toContainText('/Documents/letter.txt');
    await shot('13-restore-damaged');
    expect(readdirSync(path.join(restored, 'Documents')).sort()).toEqual(['budget.csv', 'plan.md']);
    const original = describeTree(documents, { mtimes: false });
    delete original['letter.txt'];
    expect(describeTree(path.join(restored, 'Documents'), { mtimes: false })).toEqual(original);
  });
});
