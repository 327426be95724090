/**
 * The Linux power reader against a fake /sys/class/power_supply folder (the platform's answer
 * injected): AC when an adapter is online, battery when every adapter is offline and a battery
 * exists, unknown (so the plan runs) when the machine has no adapter to ask.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLinuxPowerSupply } from '../../../electron/plans/power-source.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir();
let n = 0;

function sysfs(supplies: Record<string, Record<string, string>>): string {
  const dir = path.join(root, `sys${n++}`);
  mkdirSync(dir);
  for (const [name, files] of Object.entries(supplies)) {
    mkdirSync(path.join(dir, name));
    for (const [file, text] of Object.entries(files))
      writeFileSync(path.join(dir, name, file), `${text}\n`);
  }
  return dir;
}

describe('readLinuxPowerSupply', () => {
  it('says AC when a mains adapter is online', async () => {
    const dir = sysfs({
      AC: { type: 'Mains', online: '1' },
      BAT0: { type: 'Battery', status: 'Charging' },
    });
    expect(await readLinuxPowerSupply(dir)).toBe('ac');
  });

  it('says battery when every adapter is offline and a battery exists', async () => {
    const dir = sysfs({
      ACAD: { type: 'Mains', online: '0' },
      ucsi: { type: 'USB', online: '0' },
      BAT1: { type: 'Battery', status: 'Discharging' },
    });
    expect(await readLinuxPowerSupply(dir)).toBe('battery');
  });

  it('says AC when a USB-C adapter powers it', async () => {
    const dir = sysfs({
      ACAD: { type: 'Mains', online: '0' },
      ucsi: { type: 'USB', online: '1' },
      BAT1: { type: 'Battery' },
    });
    expect(await readLinuxPowerSupply(dir)).toBe('ac');
  });

  it('cannot tell on a machine without supplies, or without a battery', async () => {
    expect(await readLinuxPowerSupply(sysfs({}))).toBe('unknown');
    expect(await readLinuxPowerSupply(path.join(root, 'missing'))).toBe('unknown');
    expect(await readLinuxPowerSupply(sysfs({ AC: { type: 'Mains', online: '0' } }))).toBe(
      'unknown',
    );
  });
});
