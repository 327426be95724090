// Runs one tool command and measures its wall time and peak memory (max RSS).
// Peak memory comes from GNU time (-f %M: ru_maxrss of the tool process, in KiB), which sees
// the whole life of the process; sampling /proc/<pid>/status VmHWM is the fallback when GNU
// time is missing, and may miss growth in the last sampling interval before exit.
// Wall time is taken here around the whole spawn, so start-up cost (node, python) counts: a
// user waits for it too. CPU time (user + system, from GNU time) is recorded as well: on a
// shared, busy machine it moves far less than wall time, so it tells noise from real change.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';
// GNU time prints its version on stdout; busybox's or another time would not say "GNU".
const hasGnuTime =
  fs.existsSync(GNU_TIME) &&
  spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU');

export const memorySource = hasGnuTime ? 'GNU time %M' : '/proc VmHWM sampling';

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: object, cwd?: string, timeoutS?: number }} [opts]
 * @returns {Promise<{ seconds: number, cpuSeconds: number|null, rssMB: number|null,
 *   code: number|null, signal: string|null, stdout: string, stderr: string, timedOut: boolean }>}
 */
export function measure(cmd, args, { env, cwd, timeoutS = 900 } = {}) {
  const rssFile = path.join(os.tmpdir(), `cairn-bench-rss-${process.pid}-${Date.now()}`);
  const [file, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]]
    : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // detached: the tool gets its own process group, so a timeout can stop it and anything it
    // started; killing GNU time alone would leave the tool running.
    const child = spawn(file, argv, {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let sampledKiB = 0;
    const sampler = hasGnuTime
      ? null
      : setInterval(() => (sampledKiB = Math.max(sampledKiB, readVmHwmKiB(child.pid))), 20);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutS * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      let rssKiB = sampledKiB || null;
      let cpuSeconds = null;
      if (hasGnuTime) {
        // GNU time writes "Command exited with non-zero status N" before the numbers on failure.
        const lines = safeRead(rssFile).trim().split('\n');
        const [maxRss, user, sys] = lines[lines.length - 1].split(' ').map(Number);
        rssKiB = maxRss > 0 ? maxRss : null;
        cpuSeconds = Number.isFinite(user + sys) ? user + sys : null;
        fs.rmSync(rssFile, { force: true });
      }
      resolve({
        seconds,
        cpuSeconds,
        rssMB: rssKiB === null ? null : (rssKiB * 1024) / 1e6,
        code,
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        timedOut,
      });
    });
  });
}

function readVmHwmKiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(safeRead(`/proc/${pid}/status`));
  return m ? Number(m[1]) : 0;
}

function safeRead(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Repository size on disk in bytes (allocated blocks, as `du` reports), and apparent bytes. */
export function diskUsage(dir) {
  const onDisk = spawnSync('du', ['-s', '-B1', dir], { encoding: 'utf8' });
  const apparent = spawnSync('du', ['-s', '-b', dir], { encoding: 'utf8' });
  if (onDisk.status !== 0 || apparent.status !== 0) {
    throw new Error(`du failed on ${dir}: ${onDisk.stderr}${apparent.stderr}`);
  }
  return {
    onDisk: Number(onDisk.stdout.split('\t')[0]),
    apparent: Number(apparent.stdout.split('\t')[0]),
  };
}
