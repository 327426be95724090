/**
 * `cairn config export` / `import` carry the app's saved sources (config.json `sources`) to
 * another machine: a repository's sources arrive where that machine has none for it, and
 * sources it has already are kept as they are. A version 1 file (before `sources`) is read.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-config-sources-');

function home(name: string, config: object): string {
  const folder = path.join(dir, name);
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'config.json'), JSON.stringify(config));
  return folder;
}

describe('config export and import with saved sources', () => {
  it('brings sources for repositories that have none here, and keeps those that do', async () => {
    const definition = '{"name": "tracker", "auth": {"type": "bearer", "token": "env:T"}}';
    const laptop = home('laptop', {
      version: 2,
      plans: [],
      recentRepositories: ['/backups/a', '/backups/b'],
      sources: {
        '/backups/a': { folders: ['/home/me/a'], apiSources: [{ id: 'x1', text: definition }] },
        '/backups/b': { folders: ['/home/me/from-laptop'], apiSources: [] },
      },
    });
    const desktop = home('desktop', {
      version: 2,
      plans: [],
      recentRepositories: ['/backups/b'],
      sources: { '/backups/b': { folders: ['/home/me/mine'], apiSources: [] } },
    });
    const exported = path.join(dir, 'export.json');
    await cairnOk(['config', 'export', exported], { env: { CAIRN_HOME: laptop } });
    await cairnOk(['config', 'import', exported], { env: { CAIRN_HOME: desktop } });
    const config = JSON.parse(readFileSync(path.join(desktop, 'config.json'), 'utf8'));
    expect(config.sources).toEqual({
      '/backups/b': { folders: ['/home/me/mine'], apiSources: [] },
      '/backups/a': { folders: ['/home/me/a'], apiSources: [{ id: 'x1', text: definition }] },
    });

    // An older file, written before saved sources existed, is read and upgraded on import.
    const older = home('older', { version: 1, plans: [], recentRepositories: ['/backups/c'] });
    await cairnOk(['config', 'import', exported], { env: { CAIRN_HOME: older } });
    const upgraded = JSON.parse(readFileSync(path.join(older, 'config.json'), 'utf8'));
    expect(upgraded.version).toBe(2);
    expect(upgraded.recentRepositories).toEqual(['/backups/c', '/backups/a', '/backups/b']);
    expect(Object.keys(upgraded.sources)).toEqual(['/backups/a', '/backups/b']);
  });
});
