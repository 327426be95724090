/**
 * "Restore records into the API…" with no definition at hand: the session restores with the
 * definition the snapshot keeps (what the backup ran with), over the real engine and the fixture
 * API — the state a user is in when the definition file was lost with the laptop.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent, JobResult } from '../../../shared/contract.js';
import type { Snapshot } from '../../../shared/domain.js';
import { createEngine } from '../../../electron/engine/service.js';
import { Session } from '../../../electron/session/session.js';
import type { FixtureRecord } from '../../fixtures/api-server/dataset.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/api-server/server.js';
import { wipe } from '../../fixtures/api-server/writes.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-session-api-restore-');
const web = { mode: 'web' as const, version: '0.0.0-test' };
const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function definition(baseUrl: string): string {
  const page = { type: 'page', sizeParam: 'per_page', size: 100 };
  return JSON.stringify({
    name: 'fixture',
    baseUrl,
    endpoints: [{ name: 'tasks', path: '/tasks', records: 'data', pagination: page }],
    restore: { tasks: { method: 'PUT', path: '/tasks/{id}', omit: ['id', 'updated_at'] } },
  });
}

async function ended(events: JobEvent[], jobId: string): Promise<JobResult> {
  for (let i = 0; i < 6000; i++) {
    const end = events.find(
      (e) => e.jobId === jobId && (e.type === 'succeeded' || e.type === 'failed'),
    );
    if (end?.type === 'succeeded') return end.result;
    if (end) throw new Error(`job ${jobId} failed: ${JSON.stringify(end)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${jobId} did not finish`);
}

const tasksOf = (api: FixtureServer) =>
  api.data.tasks.all().map(({ updated_at: _u, ...rest }: FixtureRecord) => rest);

describe('restoring records with the definition the snapshot keeps', () => {
  it('previews and restores a wiped API without being given a definition', async () => {
    const api = await startFixtureServer({ projects: 0, tasks: 5, items: 0 });
    servers.push(api);
    const session = new Session(createEngine(), web, path.join(root, 'home'));
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    await session.handle('createRepository', { location: path.join(root, 'repo'), password: 'p' });
    await session.handle('startBackup', {
      jobId: 'backup-0001',
      apiSources: [{ text: definition(api.baseUrl) }],
    });
    await ended(events, 'backup-0001');
    const listed = await session.handle('listSnapshots', {});
    if (!listed.ok) throw new Error(listed.error.message);
    const [snapshot] = listed.value as Snapshot[];
    const original = tasksOf(api);
    expect(original).toHaveLength(5);
    wipe(api.data);

    const order = {
      snapshot: snapshot!.id,
      source: 'fixture',
      endpoint: 'tasks',
      selection: { kind: 'all' as const },
    };
    const writesBefore = api.writes.applied;
    const preview = await session.handle('previewApiRestore', order);
    expect(preview).toMatchObject({ ok: true, value: { baseUrl: api.baseUrl, total: 5 } });
    expect(api.writes.applied).toBe(writesBefore);

    expect(await session.handle('startApiRestore', { jobId: 'restore-0001', ...order })).toEqual({
      ok: true,
      value: { jobId: 'restore-0001' },
    });
    const result = await ended(events, 'restore-0001');
    expect(result).toMatchObject({ kind: 'restore-api', report: { source: 'fixture' } });
    expect(tasksOf(api)).toEqual(original);
  });

  it('names the source the snapshot lacks in one line', async () => {
    const api = await startFixtureServer({ projects: 0, tasks: 1, items: 0 });
    servers.push(api);
    const session = new Session(createEngine(), web, path.join(root, 'home2'));
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    await session.handle('createRepository', { location: path.join(root, 'repo2'), password: 'p' });
    await session.handle('startBackup', {
      jobId: 'backup-0002',
      apiSources: [{ text: definition(api.baseUrl) }],
    });
    await ended(events, 'backup-0002');
    const answer = await session.handle('previewApiRestore', {
      snapshot: 'latest',
      source: 'crm',
      endpoint: 'tasks',
      selection: { kind: 'all' },
    });
    expect(answer.ok).toBe(false);
    const message = answer.ok ? '' : answer.error.message;
    expect(message).toContain('crm');
    expect(message).not.toContain('\n');
  });
});
