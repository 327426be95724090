/**
 * Several Cairn processes change config.json at once (the desktop app records a recent
 * repository while `cairn plan add` runs in a terminal): every change survives. Real processes,
 * because the lost update this prevents happens between processes, not inside one.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/plans/config-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

const store = path.resolve(__dirname, '../../../electron/plans/config-store.ts');

function writer(file: string, name: string, count: number) {
  const script = `
    const { updateConfig } = await import(${JSON.stringify(store)});
    for (let i = 0; i < ${count}; i++) {
      await updateConfig(${JSON.stringify(file)}, (config) => {
        config.recentRepositories.push('/repos/${name}-' + i);
      });
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return once(child, 'exit').then(([code]) => code as number);
}

describe('config.json changed by several processes at once', () => {
  const dir = tempDir();

  it('keeps every change, and leaves no lock behind', async () => {
    const file = path.join(dir, 'config.json');
    const codes = await Promise.all(['a', 'b', 'c'].map((name) => writer(file, name, 25)));
    expect(codes).toEqual([0, 0, 0]);
    const config = await loadConfig(file);
    expect(config.recentRepositories).toHaveLength(75);
    for (const name of ['a', 'b', 'c'])
      for (let i = 0; i < 25; i++)
        expect(config.recentRepositories).toContain(`/repos/${name}-${i}`);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const file = path.join(dir, 'stale.json');
    // A pid that cannot be running: above the kernel's pid_max.
    writeFileSync(`${file}.lock`, '4194305\n');
    expect(await writer(file, 'after', 1)).toBe(0);
    expect((await loadConfig(file)).recentRepositories).toEqual(['/repos/after-0']);
  });
});
