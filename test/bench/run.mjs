// `npm run bench`: Cairn against restic and borg on the same seeded data, in one run.
// Per run and tool: fresh repository, initial backup, repository size, unchanged re-backup,
// restore into an empty folder (verified byte for byte), check with full data read.
// Each phase runs for all tools before the next phase starts, and the tool order rotates from
// run to run, so no tool always goes first (cold) or last (after the others warmed the cache).
// The page cache is never dropped: every tool reads the same warm data.
// Settings (environment): BENCH_SIZE_MB (400), BENCH_SEED, BENCH_RUNS (3),
// BENCH_TOOLS (cairn,restic,borg), BENCH_TIMEOUT_S (900, per command).
// Then the remote targets bench (targets-bench.mjs; BENCH_TARGETS=0 skips it), then the API
// source bench (api-bench.mjs): BENCH_API=0 skips it, BENCH_API_SIZES
// (100000,1000000) and BENCH_API_RUNS (BENCH_RUNS) tune it. Last, the diff bench
// (diff-bench.mjs): BENCH_DIFF=0 skips it, BENCH_DIFF_RECORDS (1000000) sizes it. Then the
// open-repository latencies (open-repo-bench.mjs): BENCH_OPEN=0 skips them. Then the
// restore-api bench (restore-api-bench.mjs): BENCH_RESTORE_API=0 skips it,
// BENCH_RESTORE_API_SIZES (10000,100000) sizes it.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ROOT, ensureData } from './generate-data.mjs';
import { measure, memorySource, diskUsage } from './measure.mjs';
import { formatTable, summarize } from './report.mjs';
import { TOOLS } from './tools.mjs';
import { compareTrees, fingerprintTree } from './tree-hash.mjs';

const cfg = {
  sizeMB: Number(process.env.BENCH_SIZE_MB ?? 400),
  seed: Number(process.env.BENCH_SEED ?? 20261123),
  runs: Number(process.env.BENCH_RUNS ?? 3),
  tools: (process.env.BENCH_TOOLS ?? 'cairn,restic,borg').split(',').map((s) => s.trim()),
  timeoutS: Number(process.env.BENCH_TIMEOUT_S ?? 900),
};

/** A tool command failed: the tool is dropped from the rest of the bench and the run fails. */
class ToolFailure extends Error {}

const benchStarted = Date.now();
const data = ensureData({ seed: cfg.seed, sizeMB: cfg.sizeMB });
const expected = fingerprintTree(data.dir);

const versions = {};
const skipped = [];
const active = [];
for (const tool of TOOLS.filter((t) => cfg.tools.includes(t.name))) {
  const a = tool.available();
  if (a.ok) {
    active.push(tool);
    versions[tool.name] = a.version;
  } else {
    skipped.push({ tool: tool.name, reason: a.reason });
    console.log(`SKIP ${tool.name}: ${a.reason}`);
  }
}
if (active.length === 0) {
  console.error('no tool to measure');
  process.exit(1);
}
console.log(
  `tools: ${active.map((t) => versions[t.name]).join(' | ')}\n` +
    `${cfg.runs} runs, ${os.cpus().length} cores, node ${process.version}, memory: ${memorySource}`,
);

const workRoot = path.join(BENCH_ROOT, 'work');
fs.rmSync(workRoot, { recursive: true, force: true });
const samples = Object.fromEntries(active.map((t) => [t.name, {}]));
const failures = [];
const failed = new Set();
const loads = [];

// Phases in order; each is run for every tool before the next begins.
const PHASES = [
  async function init(tool, ctx) {
    await exec(tool, ctx, 'init', tool.init(ctx.repo));
  },
  async function backup(tool, ctx) {
    const r = await exec(tool, ctx, 'backup', tool.backup(ctx.repo, data.dir, 1));
    record(tool, 'backup', r);
  },
  async function size(tool, ctx) {
    // Measured after the first backup: the data once, plus one snapshot's metadata.
    const du = diskUsage(ctx.repo);
    add(tool, 'repoMB', du.onDisk / 1e6);
    add(tool, 'repoApparentMB', du.apparent / 1e6);
    console.log(
      `  ${tool.name.padEnd(6)} ${'repo size'.padEnd(9)} ${(du.onDisk / 1e6).toFixed(1)} MB`,
    );
  },
  async function rebackup(tool, ctx) {
    const r = await exec(tool, ctx, 're-backup', tool.backup(ctx.repo, data.dir, 2));
    record(tool, 'rebackup', r);
    // A fast re-backup that saved nothing must not count: there must be two snapshots now.
    const list = await exec(tool, ctx, 'snapshots', tool.snapshots(ctx.repo));
    const n = tool.countSnapshots(list.stdout);
    if (n !== 2) throw new ToolFailure(`expected 2 snapshots after re-backup, found ${n}`);
  },
  async function restore(tool, ctx) {
    fs.mkdirSync(ctx.target, { recursive: true });
    const r = await exec(tool, ctx, 'restore', tool.restore(ctx.repo, ctx.target, 2), {
      cwd: tool.restoreInCwd ? ctx.target : undefined,
    });
    const diffs = compareTrees(expected, fingerprintTree(tool.restoredDir(ctx.target, data.dir)));
    if (diffs.length) {
      throw new ToolFailure(`restored data differs from the original:\n  ${diffs.join('\n  ')}`);
    }
    record(tool, 'restore', r);
    fs.rmSync(ctx.target, { recursive: true, force: true });
  },
  async function check(tool, ctx) {
    const r = await exec(tool, ctx, 'check', tool.check(ctx.repo));
    record(tool, 'check', r);
  },
];

for (let run = 0; run < cfg.runs; run++) {
  // Rotate the order each run: run 1 a,b,c; run 2 b,c,a; run 3 c,a,b.
  const order = active.map((_, i) => active[(i + run) % active.length]);
  // Other work on the machine makes wall times noisy; record how busy it was for each run.
  const load = os.loadavg()[0];
  loads.push(load);
  const busy = load > os.cpus().length / 2 ? ' — machine busy, times will be noisy' : '';
  console.log(
    `\nrun ${run + 1}/${cfg.runs}: ${order.map((t) => t.name).join(', ')} (load ${load.toFixed(2)}${busy})`,
  );
  const ctxs = new Map();
  for (const tool of order) {
    const base = path.join(workRoot, tool.name);
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(path.join(base, 'home'), { recursive: true });
    ctxs.set(tool.name, {
      run,
      repo: path.join(base, 'repo'),
      target: path.join(base, 'restore'),
      env: tool.env(path.join(base, 'home')),
    });
  }
  for (const phase of PHASES) {
    for (const tool of order) {
      if (failed.has(tool.name)) continue;
      try {
        await phase(tool, ctxs.get(tool.name));
      } catch (e) {
        failed.add(tool.name);
        failures.push({ tool: tool.name, run: run + 1, phase: phase.name, error: e.message });
        console.error(
          `\n!!! ${tool.name} FAILED in ${phase.name} (run ${run + 1}): ${e.message}\n`,
        );
      }
    }
  }
  for (const tool of order)
    fs.rmSync(path.join(workRoot, tool.name), { recursive: true, force: true });
}

const names = active.map((t) => t.name);
const summary = summarize(samples, names);
const table = formatTable(summary, names);
const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: os.totalmem() / 1e9 },
  node: process.version,
  memorySource,
  loadAverageAtRunStart: loads,
  config: cfg,
  data: { seed: data.seed, sizeMB: data.sizeMB, files: data.files, bytes: data.bytes },
  versions,
  skipped,
  failures,
  ...summary,
  samples,
  totalSeconds: (Date.now() - benchStarted) / 1000,
};
fs.writeFileSync(path.join(BENCH_ROOT, 'results.json'), JSON.stringify(results, null, 2) + '\n');

console.log(
  `\nmedians of ${cfg.runs} runs, ${data.files} files / ${(data.bytes / 1e6).toFixed(0)} MB ` +
    `(seed ${data.seed}); ratios: Cairn / other, lower is better for Cairn\n`,
);
console.log(table);
for (const s of skipped) console.log(`(skipped ${s.tool}: ${s.reason})`);
console.log(
  `\nresults: ${path.join(BENCH_ROOT, 'results.json')}; total ${results.totalSeconds.toFixed(0)} s`,
);
if (failures.length) {
  console.error(`\nBENCH FAILED: ${failures.map((f) => `${f.tool} in ${f.phase}`).join('; ')}`);
  process.exitCode = 1;
}

if (process.env.BENCH_TARGETS !== '0') {
  // Remote targets on loopback, with restic into the same REST server as the reference.
  const targets = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('targets-bench.mjs', import.meta.url))],
    { stdio: 'inherit' },
  );
  if (targets.status !== 0) {
    console.error('\nBENCH FAILED: targets bench');
    process.exitCode = 1;
  }
}

if (process.env.BENCH_API !== '0') {
  // API sources have no reference tool to race: their rate is measured against the rate the
  // (fixture) API allows. Its own script, so it can also run alone.
  console.log('\n');
  const api = spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL('api-bench.mjs', import.meta.url)),
      ...['--sizes', process.env.BENCH_API_SIZES ?? '100000,1000000'],
      ...['--runs', String(process.env.BENCH_API_RUNS ?? cfg.runs)],
      ...['--json', path.join(BENCH_ROOT, 'api-results.json')],
    ],
    { stdio: 'inherit' },
  );
  if (api.status !== 0) {
    console.error(`\nAPI BENCH FAILED (exit ${api.status ?? api.signal})`);
    process.exitCode = 1;
  }
}

if (process.env.BENCH_DIFF !== '0') {
  // What `cairn diff` reads of two large, mostly equal snapshots: its own script too.
  console.log('\n');
  const diff = spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL('diff-bench.mjs', import.meta.url)),
      ...['--records', process.env.BENCH_DIFF_RECORDS ?? '1000000'],
      ...['--runs', String(cfg.runs)],
      ...['--json', path.join(BENCH_ROOT, 'diff-results.json')],
    ],
    { stdio: 'inherit' },
  );
  if (diff.status !== 0) {
    console.error(`\nDIFF BENCH FAILED (exit ${diff.status ?? diff.signal})`);
    process.exitCode = 1;
  }
}

if (process.env.BENCH_OPEN !== '0') {
  // How fast the app and `cairn serve` answer once the repository is open: its own script too.
  console.log('\n');
  const open = spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL('open-repo-bench.mjs', import.meta.url)),
      ...['--size-mb', String(cfg.sizeMB), '--seed', String(cfg.seed)],
      ...['--json', path.join(BENCH_ROOT, 'open-results.json')],
    ],
    { stdio: 'inherit' },
  );
  if (open.status !== 0) {
    console.error(`\nOPEN-REPOSITORY BENCH FAILED (exit ${open.status ?? open.signal})`);
    process.exitCode = 1;
  }
}

if (process.env.BENCH_RESTORE_API !== '0') {
  // restore-api's write rate against the rate the (fixture) API allows: its own script too.
  console.log('\n');
  const restoreApi = spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL('restore-api-bench.mjs', import.meta.url)),
      ...['--sizes', process.env.BENCH_RESTORE_API_SIZES ?? '10000,100000'],
      ...['--runs', String(cfg.runs)],
      ...['--json', path.join(BENCH_ROOT, 'restore-api-results.json')],
    ],
    { stdio: 'inherit' },
  );
  if (restoreApi.status !== 0) {
    console.error(`\nRESTORE-API BENCH FAILED (exit ${restoreApi.status ?? restoreApi.signal})`);
    process.exitCode = 1;
  }
}

/** Runs one command of a tool; a non-zero exit, a signal or a timeout is a ToolFailure. */
async function exec(tool, ctx, what, [cmd, args], { cwd } = {}) {
  // Flush dirty pages first (this drops nothing from the cache): otherwise the write-back of
  // the previous tool's repository or restore would be charged to whoever runs next.
  spawnSync('sync');
  const r = await measure(cmd, args, { env: ctx.env, cwd, timeoutS: cfg.timeoutS });
  const tag = `  ${tool.name.padEnd(6)} ${what.padEnd(9)}`;
  if (r.timedOut || r.code !== 0) {
    const why = r.timedOut ? `timed out after ${cfg.timeoutS} s` : `exit ${r.code ?? r.signal}`;
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n    ');
    throw new ToolFailure(`${what}: ${cmd} ${args.join(' ')}: ${why}\n    ${tail}`);
  }
  const cpu = r.cpuSeconds == null ? '' : ` (CPU ${r.cpuSeconds.toFixed(2)} s)`;
  const rss = r.rssMB == null ? '' : `, peak RSS ${r.rssMB.toFixed(0)} MB`;
  console.log(`${tag} ${r.seconds.toFixed(2)} s${cpu}${rss}`);
  return r;
}

function record(tool, key, r) {
  add(tool, key, r.seconds);
  add(tool, `${key}Cpu`, r.cpuSeconds);
  add(tool, `${key}RssMB`, r.rssMB);
}

function add(tool, key, value) {
  (samples[tool.name][key] ??= []).push(value);
}
