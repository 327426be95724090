import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveProgressFile, sweepLiveLeftovers } from '../../../electron/plans/live-progress.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('live progress files', () => {
  const activity = tempDir('cairn-live-');
  const empty = tempDir('cairn-live-none-');

  it('sweeps what a killed run left an hour ago, and keeps a file a run wrote just now', async () => {
    mkdirSync(path.join(activity, 'live'), { recursive: true });
    const killed = liveProgressFile(activity, 'run-killed');
    const running = liveProgressFile(activity, 'run-now');
    writeFileSync(killed, '{}');
    writeFileSync(running, '{}');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(killed, twoHoursAgo, twoHoursAgo);

    await sweepLiveLeftovers(activity);

    expect(existsSync(killed)).toBe(false);
    expect(existsSync(running)).toBe(true);
  });

  it('is quiet when no run ever wrote one', async () => {
    await expect(sweepLiveLeftovers(empty)).resolves.toBeUndefined();
  });
});
