/**
 * `cairn config export` carries the text of each plan's API source definitions, so a plan made
 * in the app (its definitions under CAIRN_HOME/plan-api-sources/) keeps them on another
 * machine: import writes them under that machine's CAIRN_HOME and points the plan there, byte
 * for byte. A definition with a secret in clear never leaves in the export; an older export
 * (paths only) still imports.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-config-definitions-');
const SECRET = 'tok-9f8e7d6c5b4a-in-clear';

// Formatted by hand, with a number JSON.parse would round: the text must arrive as written.
const definition = `{
  "name": "crm",
  "baseUrl": "https://crm.example.com",
  "auth": { "type": "bearer", "token": "env:CRM_TOKEN" },
  "endpoints": [
    { "name": "deals", "path": "/deals", "records": "data", "method": "POST",
      "body": { "account": 9007199254740993 } }
  ]
}
`;
const inClear = `{"name": "leaky", "baseUrl": "https://leaky.example.com",
 "auth": {"type": "bearer", "token": "${SECRET}"}, "endpoints": [{"name": "a", "path": "/a", "records": "data"}]}`;

function plan(name: string, apiSources: string[]): object {
  return {
    name,
    repository: '/backups/main',
    password: 'env:CAIRN_PASSWORD',
    folders: [],
    excludes: [],
    apiSources,
    schedule: { type: 'daily', time: '02:00' },
    timeZone: 'UTC',
    watch: false,
    retention: {},
    pruneEvery: 0,
    verifyPercent: null,
    paused: false,
    created: '2026-01-01T00:00:00.000Z',
  };
}

function home(name: string, plans: object[] = []): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, 'config.json'),
    JSON.stringify({ version: 2, plans, recentRepositories: [] }),
  );
  return folder;
}

function plansOf(folder: string): { name: string; apiSources: string[] }[] {
  return JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')).plans;
}

describe('config export and import with API source definitions', () => {
  it("a plan's definitions arrive on the other machine as they were written", async () => {
    const laptop = path.join(dir, 'laptop');
    const kept = path.join(laptop, 'plan-api-sources', 'crm-0123456789ab.json');
    mkdirSync(path.dirname(kept), { recursive: true });
    writeFileSync(kept, definition);
    home('laptop', [plan('crm', [kept])]);
    const exported = path.join(dir, 'export.json');
    const res = await cairnOk(['config', 'export', exported], { env: { CAIRN_HOME: laptop } });
    expect(res.stderr).toBe('');
    rmSync(laptop, { recursive: true }); // the laptop is gone; the export is all there is

    const desktop = home('desktop');
    const imported = await cairnOk(['config', 'import', exported], {
      env: { CAIRN_HOME: desktop },
    });
    expect(imported.stderr).toBe(''); // nothing missing here
    const [crm] = plansOf(desktop);
    expect(path.dirname(crm!.apiSources[0]!)).toBe(path.join(desktop, 'plan-api-sources'));
    expect(readFileSync(crm!.apiSources[0]!, 'utf8')).toBe(definition);
    // The plan's definition is valid where it landed: `plan show` lists it.
    const shown = await cairnOk(['plan', 'show', 'crm'], { env: { CAIRN_HOME: desktop } });
    expect(shown.stdout).toContain(`API source  ${crm!.apiSources[0]}`);
  });

  it('a definition with a secret in clear is exported as its path only, and said', async () => {
    const office = path.join(dir, 'office');
    mkdirSync(office);
    const leaky = path.join(office, 'leaky.json');
    writeFileSync(leaky, inClear);
    home('office', [plan('leaky', [leaky])]);
    const exported = path.join(dir, 'leaky-export.json');
    const res = await cairn(['config', 'export', exported], { env: { CAIRN_HOME: office } });
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(
      `warning: plan leaky: API source ${leaky} writes a secret in clear (auth.token); exported as its path only\n`,
    );
    expect(readFileSync(exported, 'utf8')).not.toContain(SECRET);

    // An export edited to carry it anyway is refused, and nothing is imported.
    const edited = path.join(dir, 'edited-export.json');
    const json = JSON.parse(readFileSync(exported, 'utf8'));
    writeFileSync(edited, JSON.stringify({ ...json, apiDefinitions: { [leaky]: inClear } }));
    const target = home('target');
    const refused = await cairn(['config', 'import', edited], { env: { CAIRN_HOME: target } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `cairn: nothing imported: plan leaky: API source ${leaky} writes a secret in clear (auth.token); give it by reference (env:NAME, file:PATH or keychain:ENTRY)\n`,
    );
    expect(plansOf(target)).toEqual([]);
  });

  it('an older export (paths only) still imports', async () => {
    const older = path.join(dir, 'older-export.json');
    const where = path.join(dir, 'not-here.json');
    writeFileSync(
      older,
      JSON.stringify({ version: 2, plans: [plan('old', [where])], recentRepositories: [] }),
    );
    const fresh = home('fresh');
    const res = await cairnOk(['config', 'import', older], { env: { CAIRN_HOME: fresh } });
    expect(res.stderr).toBe(`warning: plan old: ${where} does not exist here\n`);
    expect(plansOf(fresh)[0]!.apiSources).toEqual([where]);
  });
});
