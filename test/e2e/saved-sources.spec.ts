/**
 * The Sources screen's folders and API source definitions live with the engine, under
 * CAIRN_HOME, not in the browser: after `cairn serve` restarts (same CAIRN_HOME) and the page
 * reloads, they are all there again and nothing of them is in the browser's storage. A folder
 * the host cannot use is said at once, by the field; a definition with a secret written into
 * it is refused and kept out of config.json; folders an older version kept in the browser's
 * storage are handed over once.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiSourceEditor } from './pages/api-source-editor.js';
import { AppShell } from './pages/app-shell.js';
import { ConnectPage } from './pages/connect-page.js';
import { SourcesPage } from './pages/sources-page.js';
import { startCairnServe } from './support/cairn-serve.js';
import { expect, test } from './support/fixtures.js';
import { makeDocuments } from './support/sample-data.js';

const password = 'saved-sources-e2e-Pw-4k!Tb';
const inlineToken = 'inline-token-e2e-93c1f7';

function definition(name: string, token: string) {
  return {
    name,
    baseUrl: 'http://127.0.0.1:9/api',
    auth: { type: 'bearer', token },
    endpoints: [{ name: 'tasks', path: '/tasks', records: 'data' }],
  };
}

test.describe('saved sources under CAIRN_HOME @web-only', () => {
  test('survive a restart of cairn serve and a reload; bad folders are said at once', async ({
    app,
    served,
    workspace,
    shot,
  }) => {
    test.skip(served === null, 'restarts cairn serve');
    const repo = workspace.path('repo');
    const documents = makeDocuments(workspace.root);
    const photos = workspace.path('photos');
    mkdirSync(photos);
    const notes = workspace.path('notes.txt');
    writeFileSync(notes, 'a file, not a folder');
    const config = path.join(workspace.cairnHome, 'config.json');

    await new ConnectPage(app).create(repo, password);
    const shell = new AppShell(app);
    await shell.expectOpen(repo);
    const sources = new SourcesPage(app);
    await sources.addFolderByTyping(documents);
    await sources.addFolderByTyping(photos);

    // What the host cannot back up is said by the field, and stays there to be corrected.
    const field = app.getByTestId('folder-path');
    const error = app.getByTestId('folder-error');
    const refusals: [string, string][] = [
      [workspace.path('gone'), `${workspace.path('gone')} does not exist.`],
      [notes, `${notes} is a file, not a folder: add the folder that holds it.`],
      ['photos', 'photos is not a full path: start at the root, like /home/me/Documents.'],
    ];
    for (const [typed, message] of refusals) {
      await field.fill(typed);
      await app.getByTestId('folder-add').click();
      await expect(error).toHaveText(message);
      await expect(field).toHaveValue(typed);
    }
    await shot('sources-folder-refused');
    await expect(app.getByTestId('folder-item')).toHaveCount(2);

    const kept = new ApiSourceEditor(app, 0);
    await kept.paste(definition('tracker', 'env:TRACKER_TOKEN'), /tracker: 1 endpoint/);
    await expect(kept.root.getByTestId('api-source-saved')).toBeVisible();
    const refused = new ApiSourceEditor(app, 1);
    await refused.paste(definition('leaky', inlineToken), /leaky: 1 endpoint/);
    await expect(refused.root.getByTestId('api-source-save-error')).toHaveText(
      /^Not kept: auth\.token holds a secret written into the definition/,
    );
    await shot('sources-definition-refused');
    expect(readFileSync(config, 'utf8')).not.toContain(inlineToken);

    // Restart the server on the same CAIRN_HOME; an older version's folders wait in the
    // browser's storage of the new address (its port changed) to be handed over.
    const older = workspace.path('older');
    mkdirSync(older);
    await served!.stop();
    const again = await startCairnServe(workspace.cairnHome);
    try {
      await app.goto(again.url);
      const key = JSON.stringify(`cairn.folders.${repo}`);
      await app.evaluate(
        `localStorage.setItem(${key}, ${JSON.stringify(JSON.stringify([older]))})`,
      );
      await app.reload();
      const connect = new ConnectPage(app);
      await connect.expectVisible();
      await expect(connect.location).toHaveValue(repo);
      await connect.password.fill(password);
      await connect.submit.click();
      await shell.expectOpen(repo);

      for (const folder of [documents, photos, older]) {
        await expect(sources.folderItem(folder)).toBeVisible();
      }
      await expect(app.getByTestId('folder-item')).toHaveCount(3);
      await expect(app.getByTestId('api-source-editor')).toHaveCount(1);
      await expect(kept.root.getByTestId('api-source-text')).toHaveValue(
        JSON.stringify(definition('tracker', 'env:TRACKER_TOKEN'), null, 2),
      );
      await expect(kept.root.getByTestId('api-source-saved')).toBeVisible();
      await shot('sources-after-restart');

      // Nothing of them in the browser's storage; all of it in CAIRN_HOME, without the secret.
      const storage = await app.evaluate('JSON.stringify({ ...localStorage })');
      for (const absent of [documents, photos, older, 'TRACKER_TOKEN', 'cairn.folders.']) {
        expect(storage).not.toContain(absent);
      }
      const saved = readFileSync(config, 'utf8');
      for (const present of [documents, photos, older, 'env:TRACKER_TOKEN']) {
        expect(saved).toContain(JSON.stringify(present).slice(1, -1));
      }
      expect(saved).not.toContain(inlineToken);
    } finally {
      await again.stop();
    }
  });
});
