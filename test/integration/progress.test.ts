/**
 * Progress events for long operations: bytes, files, totals, rate and ETA, for the CLI's
 * progress line and (through the same events) the UI.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/domain.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

function progressLines(stderr: string): JobProgress[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as JobProgress);
}

describe('progress', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');

  it('backup and restore report bytes, files, totals and rate; nothing on stderr otherwise', async () => {
    mkdirSync(src);
    for (let i = 0; i < 6; i++)
      writeFileSync(path.join(src, `part-${i}.bin`), randomBytes(12 * MiB));
    for (let i = 0; i < 100; i++) writeFileSync(path.join(src, `small-${i}.txt`), 'x'.repeat(i));
    const totalBytes = 6 * 12 * MiB + (99 * 100) / 2;
    await cairnOk(['init', '--repo', repo]);

    const quiet = await cairnOk(['backup', src, '--repo', repo, '--json']);
    expect(quiet.stderr).toBe('');

    const res = await cairnOk(['backup', src, '--repo', repo, '--json', '--force-full'], {
      env: { CAIRN_PROGRESS: 'json' },
    });
    const events = progressLines(res.stderr).filter(
      (p) => p.phase === 'backup' || p.phase === 'finishing',
    );
    expect(events.length).toBeGreaterThan(1);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.bytes_done).toBeGreaterThanOrEqual(events[i - 1]!.bytes_done);
    const last = events.at(-1)!;
    expect(last.bytes_done).toBe(totalBytes);
    expect(last.files_done).toBe(106);
    expect(last.bytes_total).toBe(totalBytes);
    expect(last.files_total).toBe(106);
    expect(events.some((p) => p.rate > 0)).toBe(true);

    const restored = await cairnOk(
      ['restore', 'latest', '--target', path.join(dir, 'out'), '--repo', repo, '--json'],
      {
        env: { CAIRN_PROGRESS: 'json' },
      },
    );
    const r = progressLines(restored.stderr).filter((p) => p.phase === 'restore');
    expect(r.at(-1)).toMatchObject({
      bytes_done: totalBytes,
      bytes_total: totalBytes,
      files_total: 106,
    });
    expect(r.some((p) => p.eta_s !== null)).toBe(true);
  });
});
