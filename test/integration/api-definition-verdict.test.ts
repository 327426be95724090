/**
 * One validation route for API source definitions (issue 11): the app's live validation, the
 * session's "Back up now", `cairn api test` and `cairn backup --api` all give the same verdict
 * on the same definition, in the same words. Before, the editor's check was the schema alone
 * and showed ✓ for definitions that test and backup then refused.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiSourceValidation } from '../../shared/contract.js';
import { createEngine } from '../../electron/engine/service.js';
import { describeProblem } from '../../electron/engine/sources/api/load-source-definition.js';
import { Session } from '../../electron/session/session.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cairn-definition-verdict-');
const repo = path.join(dir, 'repo');

const endpoint = (name: string, more: Record<string, unknown> = {}) => ({
  name,
  path: `/${name}`,
  records: 'data',
  ...more,
});
const definition = (more: Record<string, unknown>) => ({
  name: 'tracker',
  baseUrl: 'http://127.0.0.1:9/api',
  endpoints: [endpoint('items')],
  ...more,
});

const invalid: [string, unknown, RegExp][] = [
  [
    'duplicate endpoint names',
    definition({ endpoints: [endpoint('items'), endpoint('items')] }),
    /endpoint name "items" is used twice/,
  ],
  [
    'a parent cycle',
    definition({
      endpoints: [endpoint('a', { path: '/a/{b.id}' }), endpoint('b', { path: '/b/{a.id}' })],
    }),
    /parent endpoints form a cycle/,
  ],
  [
    'a body without POST',
    definition({ endpoints: [endpoint('items', { body: { q: 1 } })] }),
    /endpoints\[0\]\.body: only a POST endpoint has a body/,
  ],
  [
    'a wrong $schema',
    definition({ $schema: 'cairn/source-definition/v9' }),
    /format "cairn\/source-definition\/v9" is not supported/,
  ],
];

beforeAll(async () => {
  await cairnOk(['init', '--repo', repo]);
});

describe('an invalid API source definition gets one verdict everywhere', () => {
  it.each(invalid)('%s', async (what, json, reason) => {
    const text = JSON.stringify(json, null, 2);
    const file = path.join(dir, `${what.replaceAll(/\W+/g, '-')}.source.json`);
    await writeFile(file, text);

    // The editor's live validation in the app and the web UI.
    const session = new Session(createEngine(), { mode: 'web', version: '0.0.0-test' });
    const validation = await session.handle('validateApiSource', { text });
    expect(validation).toMatchObject({ ok: true, value: { ok: false } });
    if (!validation.ok) throw new Error('unreachable');
    const { problems } = validation.value as ApiSourceValidation;
    const verdict = problems.map(describeProblem).join('; ');
    expect(verdict).toMatch(reason);

    // "Back up now" in the app refuses it with the same words.
    const started = await session.handle('connectRepository', {
      location: repo,
      password: 'correct horse battery staple',
    });
    expect(started.ok).toBe(true);
    const backup = await session.handle('startBackup', {
      jobId: `job-${what.replaceAll(/\W+/g, '-')}`,
      paths: [],
      apiSources: [{ text }],
    });
    expect(backup).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument', message: `API source 1: ${verdict}` },
    });
    session.dispose();

    // `cairn api test` and `cairn backup --api`, as real processes.
    const tested = await cairn(['api', 'test', file]);
    expect(tested.code).toBe(1);
    expect(tested.stderr).toBe(`cairn api test: ${file}: ${verdict}\n`);
    const backedUp = await cairn(['backup', '--api', file, '--repo', repo]);
    expect(backedUp.code).toBe(1);
    expect(backedUp.stderr).toBe(`cairn: ${file}: ${verdict}\n`);
    expect((await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout.trim()).toBe('[]');
  });
});
