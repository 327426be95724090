/**
 * The Sources screen's folders and API source definitions, kept by the session in
 * CAIRN_HOME/config.json: read back by a new session over the same folder (as after a restart
 * of `cairn serve` or the app), checked when added (the host knows the file system), a
 * definition with a secret written into it refused and kept out of the file, and a damaged
 * configuration reported and left exactly as it was. Real engine, real temp folders.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Envelope, RequestName, ArgsOf } from '../../../shared/contract.js';
import { createEngine } from '../../../electron/engine/service.js';
import { Session } from '../../../electron/session/session.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-saved-sources-');
let n = 0;
function newHome(): string {
  const dir = path.join(root, `home-${++n}`);
  mkdirSync(dir);
  return dir;
}

const web = { mode: 'web' as const, version: '0.0.0-test' };
const repository = '/backups/r';

async function call<N extends RequestName>(
  session: Session,
  name: N,
  args: ArgsOf<N>,
): Promise<Envelope<unknown>> {
  return session.handle(name, args);
}

function definition(auth: Record<string, string>, headers?: Record<string, string>): string {
  return JSON.stringify(
    {
      name: 'tracker',
      baseUrl: 'http://127.0.0.1:9/api',
      auth,
      ...(headers ? { headers } : {}),
      endpoints: [{ name: 'tasks', path: '/tasks', records: 'data' }],
    },
    null,
    2,
  );
}

describe('saved sources under CAIRN_HOME', () => {
  it('keeps folders and definitions per repository, read back by a new session', async () => {
    const home = newHome();
    const docs = path.join(home, 'Documents');
    const photos = path.join(home, 'Photos');
    mkdirSync(docs);
    mkdirSync(photos);
    const text = definition({ type: 'bearer', token: 'env:TRACKER_TOKEN' });

    const first = new Session(createEngine(), web, home);
    expect(await call(first, 'addSourceFolder', { location: repository, path: docs })).toEqual({
      ok: true,
      value: { folders: [docs], apiSources: [] },
    });
    await call(first, 'addSourceFolder', { location: repository, path: `${photos}/` });
    await call(first, 'addSourceFolder', { location: repository, path: docs }); // already there
    const saved = await call(first, 'saveApiSource', { location: repository, text });
    expect(saved.ok).toBe(true);
    await call(first, 'addSourceFolder', { location: '/backups/other', path: photos });
    await first.dispose();

    const later = new Session(createEngine(), web, home);
    const listed = await call(later, 'listSavedSources', { location: repository });
    const id = (saved as { value: { id: string } }).value.id;
    expect(listed).toEqual({
      ok: true,
      value: { folders: [docs, photos], apiSources: [{ id, text }] },
    });
    expect(await call(later, 'listSavedSources', { location: '/backups/other' })).toEqual({
      ok: true,
      value: { folders: [photos], apiSources: [] },
    });

    // An edit replaces the definition under its id; removing takes it out.
    const edited = definition({ type: 'bearer', token: 'keychain:tracker' });
    await call(later, 'saveApiSource', { location: repository, id, text: edited });
    await call(later, 'removeSourceFolder', { location: repository, path: docs });
    expect(await call(later, 'listSavedSources', { location: repository })).toEqual({
      ok: true,
      value: { folders: [photos], apiSources: [{ id, text: edited }] },
    });
    await call(later, 'removeApiSource', { location: repository, id });
    await call(later, 'removeSourceFolder', { location: repository, path: photos });
    const config = JSON.parse(readFileSync(path.join(home, 'config.json'), 'utf8')) as object;
    expect(config).toMatchObject({
      version: 2,
      sources: { '/backups/other': { folders: [photos], apiSources: [] } },
    });
    expect(Object.keys((config as { sources: object }).sources)).toEqual(['/backups/other']);
  });

  it('says at once what is wrong with a folder, naming it, and saves nothing', async () => {
    const home = newHome();
    const file = path.join(home, 'notes.txt');
    writeFileSync(file, 'not a folder');
    const session = new Session(createEngine(), web, home);
    const add = (p: string) => call(session, 'addSourceFolder', { location: repository, path: p });

    expect(await add(path.join(home, 'gone'))).toEqual({
      ok: false,
      error: { kind: 'invalid-argument', message: `${path.join(home, 'gone')} does not exist.` },
    });
    expect(await add(file)).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message: `${file} is a file, not a folder: add the folder that holds it.`,
      },
    });
    expect(await add('Documents/work')).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message: 'Documents/work is not a full path: start at the root, like /home/me/Documents.',
      },
    });
    expect(await call(session, 'listSavedSources', { location: repository })).toEqual({
      ok: true,
      value: { folders: [], apiSources: [] },
    });
  });

  it('refuses a definition with a secret written into it, and keeps it out of config.json', async () => {
    const home = newHome();
    const session = new Session(createEngine(), web, home);
    const inlineToken = 'tok-INLINE-7f3a9c';
    const inlineKey = 'key-INLINE-51be02';
    await call(session, 'saveApiSource', {
      location: repository,
      text: definition({ type: 'bearer', token: 'env:TRACKER_TOKEN' }),
    });
    const before = readFileSync(path.join(home, 'config.json'), 'utf8');

    const refused = await call(session, 'saveApiSource', {
      location: repository,
      text: definition({ type: 'bearer', token: inlineToken }, { 'X-Api-Key': inlineKey }),
    });
    expect(refused).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message:
          'Not kept: auth.token, headers.X-Api-Key hold secrets written into the definition, and Cairn keeps no secret in its configuration. Name them by reference instead (env:NAME, file:PATH or keychain:ENTRY); until then this text is not kept.',
      },
    });
    const invalid = await call(session, 'saveApiSource', {
      location: repository,
      text: '{"name": "tracker"',
    });
    expect(invalid).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });

    const after = readFileSync(path.join(home, 'config.json'), 'utf8');
    expect(after).toBe(before);
    for (const secret of [inlineToken, inlineKey]) {
      expect(after).not.toContain(secret);
      expect(JSON.stringify(refused)).not.toContain(secret);
    }
  });

  it('reports a damaged configuration, naming it, and leaves it as it was', async () => {
    const home = newHome();
    mkdirSync(path.join(home, 'Documents'));
    const file = path.join(home, 'config.json');
    const damaged = '{"version": 2, "plans": [], "recentRepositories": [], "sources": {"/r": []}}';
    writeFileSync(file, damaged);
    const session = new Session(createEngine(), web, home);
    const answers = [
      await call(session, 'listSavedSources', { location: '/r' }),
      await call(session, 'addSourceFolder', {
        location: '/r',
        path: path.join(home, 'Documents'),
      }),
      await call(session, 'importSourceFolders', { location: '/r', folders: ['/home/me'] }),
    ];
    for (const answer of answers) {
      expect(answer).toMatchObject({ ok: false, error: { kind: 'corrupt' } });
      const message = (answer as { error: { message: string } }).error.message;
      expect(message).toContain(`configuration ${file} is damaged (sources./r: `);
    }
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it('takes folders an older version kept in the browser once, and reads a version 1 file', async () => {
    const home = newHome();
    const file = path.join(home, 'config.json');
    writeFileSync(file, '{"version": 1, "plans": [], "recentRepositories": ["/r"]}');
    const session = new Session(createEngine(), web, home);
    const take = () =>
      call(session, 'importSourceFolders', {
        location: '/r',
        folders: ['/home/me/Documents', '/media/usb/photos'],
      });
    expect(await take()).toEqual({ ok: true, value: { imported: 2 } });
    expect(await take()).toEqual({ ok: true, value: { imported: 0 } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 2,
      plans: [],
      recentRepositories: ['/r'],
      sources: { '/r': { folders: ['/home/me/Documents', '/media/usb/photos'], apiSources: [] } },
    });
  });
});
