/**
 * `cairn activity --plan NAME` with a name no plan has (and no run in the history) says so and
 * fails, rather than "no runs yet"; a removed plan whose runs are still in the history lists them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('activity --plan', () => {
  const dir = tempDir('cairn-activity-plan-');
  const env = { CAIRN_HOME: path.join(dir, 'home'), PLAN_PASSWORD: 'correct horse battery staple' };
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'documents');

  it('an unknown plan is said to be unknown; a removed one still lists its runs', async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'a\n');
    await cairnOk(['init', '--repo', repo]);
    const add = ['plan', 'add', '--repo', repo, src, '--password-ref', 'env:PLAN_PASSWORD'];
    await cairnOk([...add.slice(0, 2), 'kept', ...add.slice(2)], { env });
    await cairnOk([...add.slice(0, 2), 'gone', ...add.slice(2)], { env });

    const unknown = await cairn(['activity', '--plan', 'nope'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('cairn: no plan named "nope" (plans: kept, gone)\n');
    expect(unknown.stdout).toBe('');
    // A plan that exists but has not run yet is not an error.
    const none = await cairnOk(['activity', '--plan', 'kept'], { env });
    expect(none.stdout).toBe('no runs yet\n');

    await cairnOk(['plan', 'run', 'gone'], { env });
    await cairnOk(['plan', 'remove', 'gone'], { env });
    const runs = JSON.parse(
      (await cairnOk(['activity', '--plan', 'gone', '--json'], { env })).stdout,
    );
    expect(runs.runs.map((r: { plan: string; result: string }) => [r.plan, r.result])).toEqual([
      ['gone', 'ok'],
    ]);
  });
});
