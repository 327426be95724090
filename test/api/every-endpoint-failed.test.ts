/**
 * `cairn backup --api` when every endpoint fails: nothing new was fetched, so no snapshot is
 * saved and the run is a failure (exit 1), each cause said once with the endpoints it hit.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFixtureServer } from '../fixtures/api-server/server.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('a run whose every endpoint fails', () => {
  const dir = tempDir('cairn-all-failed-');

  it('exits 1, saves no snapshot and names the cause once', async () => {
    // Before: an incomplete snapshot of nothing new was saved, exit 3, one reason per endpoint.
    const server = await startFixtureServer({ items: 5, projects: 2 });
    try {
      for (const p of ['/api/items', '/api/projects'])
        server.faults.add({ path: p, times: Infinity, action: { status: 404 } });
      const repo = path.join(dir, 'repo');
      await cairnOk(['init', '--repo', repo]);
      const source = path.join(dir, 'tracker.source.json');
      await writeFile(
        source,
        JSON.stringify({
          name: 'tracker',
          baseUrl: server.baseUrl,
          endpoints: [
            { name: 'items', path: '/items', records: 'data' },
            { name: 'projects', path: '/projects', records: 'data' },
          ],
        }),
      );
      const result = await cairn(['backup', '--api', source, '--repo', repo]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^cairn: API source tracker: every endpoint failed, so no snapshot was saved \(earlier snapshots are unchanged\): items, projects: HTTP 404[^\n]*\n$/,
      );
      const listed = await cairnOk(['snapshots', '--repo', repo, '--json']);
      expect(JSON.parse(listed.stdout)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
