/**
 * One run of a plan at a time across processes too (`cairn plan run` while `cairn serve` runs
 * the same plan): a lock file `state/running/<plan>.lock` holding the process id, created
 * exclusively. A lock left by a process that no longer exists is taken over.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../engine/errors.js';
import { processAlive } from './process-alive.js';

export async function lockPlanRun(dir: string, plan: string): Promise<() => Promise<void>> {
  const file = path.join(dir, `${plan}.lock`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    if (pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new CairnError(
        'failure',
        `plan ${plan} is running already (process ${pid}); wait for it to end`,
      );
    }
    await fs.rm(file, { force: true }); // left by a process that is gone
  }
  throw new CairnError('failure', `cannot take the run lock ${file}`);
}
