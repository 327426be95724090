/**
 * Whether the machine runs on AC power, for plans that run only then (`--only-on-ac`), where
 * the platform can tell: Linux's `/sys/class/power_supply` (a `Mains` or `USB` supply whose
 * `online` is 1 means AC; all of them offline while a `Battery` exists means battery), macOS's
 * `pmset -g batt`. Anywhere else, or when it cannot tell (a desktop without such supplies, an
 * unreadable file), the answer is 'unknown' and the plan runs.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export type PowerSource = 'ac' | 'battery' | 'unknown';

export const LINUX_POWER_SUPPLY = '/sys/class/power_supply';

export async function readPowerSource(
  platform: NodeJS.Platform = process.platform,
): Promise<PowerSource> {
  if (platform === 'linux') return readLinuxPowerSupply(LINUX_POWER_SUPPLY);
  if (platform === 'darwin') return readPmset();
  return 'unknown';
}

export async function readLinuxPowerSupply(root: string): Promise<PowerSource> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const read = (name: string, file: string) =>
    fs.readFile(path.join(root, name, file), 'utf8').then(
      (t) => t.trim(),
      () => undefined,
    );
  let adapters = 0;
  let battery = false;
  for (const name of names) {
    const type = await read(name, 'type');
    if (type === 'Battery') battery = true;
    if (type !== 'Mains' && !type?.startsWith('USB')) continue;
    const online = await read(name, 'online');
    if (online === undefined) continue;
    if (online === '1') return 'ac';
    adapters++;
  }
  return adapters > 0 && battery ? 'battery' : 'unknown';
}

function readPmset(): Promise<PowerSource> {
  return new Promise((resolve) => {
    execFile('pmset', ['-g', 'batt'], { timeout: 5000 }, (err, stdout) => {
      if (err) resolve('unknown');
      else if (stdout.includes("'AC Power'")) resolve('ac');
      else if (stdout.includes("'Battery Power'")) resolve('battery');
      else resolve('unknown');
    });
  });
}
