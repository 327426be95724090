/**
 * The recent repositories the app keeps in CAIRN_HOME/config.json (beside the plans): newest
 * first, written atomically, never a secret in it, and a damaged file reported — naming it — and
 * left exactly as it was rather than replaced by an empty list.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../../electron/engine/errors.js';
import { saveConfig } from '../../../electron/plans/config-store.js';
import { emptyConfig } from '../../../electron/plans/config-schema.js';
import { keychainEntry } from '../../../electron/session/repository-secrets.js';
import { RecentRepositories } from '../../../electron/session/recent-repositories.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-recent-');
let n = 0;
function home(): string {
  const dir = path.join(root, `home-${++n}`);
  mkdirSync(dir);
  return dir;
}

const dav = 'webdav:http://ana@127.0.0.1:9/cairn';
const davReference = `keychain:${keychainEntry(dav, 'CAIRN_TARGET_PASSWORD')}`;

describe('recent repositories in config.json', () => {
  it('keeps them newest first, with settings and keychain references, across instances', async () => {
    const file = path.join(home(), 'config.json');
    const recent = new RecentRepositories(file);
    await recent.remember('/backups/old');
    await recent.remember(dav, { CAIRN_TARGET_PASSWORD: davReference, CAIRN_TARGET_USER: 'ana' });
    await recent.remember('/backups/new');
    await recent.remember('/backups/old');
    expect(await new RecentRepositories(file).list()).toEqual([
      { location: '/backups/old', credentials: {} },
      { location: '/backups/new', credentials: {} },
      {
        location: dav,
        credentials: { CAIRN_TARGET_PASSWORD: davReference, CAIRN_TARGET_USER: 'ana' },
      },
    ]);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { version: number };
    expect(json.version).toBe(2);
    // Written through a temporary file renamed over it: nothing else is left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(['config.json']);
  });

  it('never writes a secret: a value under a secret’s name that is not this host’s keychain entry is dropped', async () => {
    const file = path.join(home(), 'config.json');
    const recent = new RecentRepositories(file);
    await recent.remember(dav, {
      CAIRN_TARGET_PASSWORD: 'hunter2-in-clear',
      CAIRN_TARGET_USER: 'ana',
    });
    await recent.import([
      {
        location: 's3:http://127.0.0.1:9/bucket',
        credentials: { AWS_SECRET_ACCESS_KEY: 'env:HOME', AWS_REGION: 'eu-1' },
      },
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2-in-clear');
    expect(text).not.toContain('env:HOME');
    expect(await recent.list()).toEqual([
      { location: dav, credentials: { CAIRN_TARGET_USER: 'ana' } },
      { location: 's3:http://127.0.0.1:9/bucket', credentials: { AWS_REGION: 'eu-1' } },
    ]);
  });

  it('leaves the plans in the file as they are', async () => {
    const file = path.join(home(), 'config.json');
    const plan = {
      name: 'docs',
      repository: '/backups/r',
      password: 'env:CAIRN_PASSWORD',
      folders: ['/home/me/docs'],
      excludes: [],
      apiSources: [],
      schedule: { type: 'manual' as const },
      timeZone: 'UTC',
      watch: false,
      retention: {},
      pruneEvery: 1,
      verifyPercent: null,
      paused: false,
      created: '2026-12-04T10:00:00.000Z',
    };
    await saveConfig(file, { ...emptyConfig(), plans: [plan], recentRepositories: ['/backups/r'] });
    await new RecentRepositories(file).remember('/backups/other');
    const config = JSON.parse(readFileSync(file, 'utf8')) as {
      plans: unknown[];
      recentRepositories: string[];
    };
    expect(config.plans).toEqual([plan]);
    expect(config.recentRepositories).toEqual(['/backups/other', '/backups/r']);
  });

  it.each([
    ['not JSON', '{"version": 1, "plans": [', /not valid JSON/],
    [
      'a wrong shape',
      '{"version": 1, "plans": [], "recentRepositories": "/r"}',
      /recentRepositories/,
    ],
    [
      'a secret in clear',
      `{"version": 1, "plans": [], "recentRepositories": ["${dav}"], "repositoryCredentials": {"${dav}": {"CAIRN_TARGET_PASSWORD": "hunter2"}}}`,
      /must be a secret reference/,
    ],
  ])('reports a damaged file (%s), naming it, and keeps it as it was', async (_what, text, why) => {
    const file = path.join(home(), 'config.json');
    writeFileSync(file, text);
    const recent = new RecentRepositories(file);
    const listed = await recent.list().catch((err: unknown) => err);
    expect(listed).toBeInstanceOf(CairnError);
    expect((listed as CairnError).kind).toBe('corrupt');
    expect((listed as CairnError).message).toContain(`configuration ${file} is damaged`);
    expect((listed as CairnError).message).toMatch(why);
    await expect(recent.remember('/backups/new')).rejects.toMatchObject({ kind: 'corrupt' });
    await expect(recent.import([{ location: '/x', credentials: {} }])).rejects.toMatchObject({
      kind: 'corrupt',
    });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
