import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeTree } from '../helpers/file-tree.js';
import { AppShell } from './pages/app-shell.js';
import { BrowserPage } from './pages/browser-page.js';
import { ConnectPage } from './pages/connect-page.js';
import { SnapshotsPage } from './pages/snapshots-page.js';
import { SourcesPage } from './pages/sources-page.js';
import { expect, test } from './support/fixtures.js';
import { makeDocuments, makeLargeFolder, makeSparseImage } from './support/sample-data.js';

test.describe('backup and restore', () => {
  test('backs up folders with live progress, browses the snapshot and restores it byte for byte @screens', async ({
    app,
    workspace,
    shot,
  }, testInfo) => {
    // Native dialogs cannot be driven; the desktop run types paths instead of browsing.
    const web = testInfo.project.name !== 'electron';
    const documents = makeDocuments(workspace.root);
    const videos = makeLargeFolder(workspace.root, 160);
    const restored = workspace.path('restored');
    mkdirSync(restored);

    await new ConnectPage(app).create(workspace.path('repo'), 'correct horse battery');
    const shell = new AppShell(app);
    await shell.expectOpen(workspace.path('repo'));

    const sources = new SourcesPage(app);
    await shot('04-sources-empty');
    if (web) await sources.addFolderByBrowsing(documents);
    else await sources.addFolderByTyping(documents);
    await sources.addFolderByTyping(videos);

    // A first run shows its progress and is cancelled: nothing half-written stays behind.
    // It includes a large sparse disk image, so it is still reading while the progress is
    // looked at and when the cancel arrives (the run without it can be over in a second).
    const image = makeSparseImage(workspace.root, 8);
    await sources.addFolderByTyping(image);
    await sources.startBackup();
    await sources.expectRunningWithProgress();
    await shot('05-backup-progress');
    await sources.cancel();
    await shot('06-backup-cancelled');
    await sources.removeFolder(image);

    await sources.startBackup();
    const shortId = await sources.waitForSnapshot();
    expect(shortId).toMatch(/^[0-9a-f]{8}$/);
    await shot('07-backup-done');

    await shell.goTo('snapshots');
    const snapshots = new SnapshotsPage(app);
    await expect(snapshots.rows).toHaveCount(1);
    await expect(snapshots.row(shortId)).toContainText('Complete');
    await expect(await snapshots.check()).toContainText('No problems found in 1 snapshot');
    await shot('08-snapshots');

    await snapshots.open(shortId);
    const browser = new BrowserPage(app);
    await browser.select('/Documents/notes/welcome.md');
    await browser.expectPreviewText('Cairn keeps this note safe.');
    await shot('09-browser-preview');

    const results = await browser.search('ideas');
    await expect(results).toHaveCount(1);
    await results.first().click();
    await browser.expectPreviewText('lighthouse');
    await shot('10-browser-search');
    await browser.clearSearch();

    await browser.select('/Documents');
    const summary = await browser.restore({
      scope: 'selected',
      target: restored,
      overwrite: 'skip',
      browse: web,
    });
    await expect(summary).toContainText('4 files restored');
    await shot('11-restore-done');
    await shell.goTo('activity');
    await expect(app.getByTestId('activity-run')).toHaveCount(4); // backup ×2, check, restore
    await shot('12-activity');
    await app.getByTestId('nav-snapshots').click();
    await snapshots.open(shortId);
    expect(describeTree(path.join(restored, 'Documents'), { mtimes: false })).toEqual(
      describeTree(documents, { mtimes: false }),
    );

    // Overwrite policy: a changed file comes back as it was only when asked to overwrite.
    const budget = path.join(restored, 'Documents', 'budget.csv');
    writeFileSync(budget, 'changed after the backup\n');
    await browser.select('/Documents');
    const skipped = await browser.restore({
      scope: 'selected',
      target: restored,
      overwrite: 'skip',
    });
    await expect(skipped).toContainText('4 existing files left as they were');
    expect(readFileSync(budget, 'utf8')).toBe('changed after the backup\n');
    await app.getByTestId('restore-close').click();
    const again = await browser.restore({
      scope: 'selected',
      target: restored,
      overwrite: 'always',
    });
    await expect(again).toContainText('restored');
    expect(readFileSync(budget)).toEqual(readFileSync(path.join(documents, 'budget.csv')));

    // The whole snapshot into an empty folder: every source comes back under its own name.
    const everything = workspace.path('everything');
    await app.getByTestId('restore-close').click();
    await expect(
      await browser.restore({ scope: 'all', target: everything, overwrite: 'skip' }),
    ).toContainText('24 files restored');
    expect(describeTree(everything, { mtimes: false })).toEqual({
      ...prefixed(documents, 'Documents'),
      ...prefixed(videos, 'Videos'),
    });
  });
});

/** describeTree of `source` as it appears inside a restore folder, under `name`. */
function prefixed(source: string, name: string): Record<string, unknown> {
  const mode = (statSync(source).mode & 0o7777).toString(8);
  const out: Record<string, unknown> = { [name]: { type: 'dir', mode } };
  for (const [p, v] of Object.entries(describeTree(source, { mtimes: false }))) {
    out[`${name}/${p}`] = v;
  }
  return out;
}
