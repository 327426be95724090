// restore-api benchmark: how close `cairn restore-api` comes to the write rate an API allows
// (the goal, issue 12: ≥ 90 % of N requests/s with concurrency C), and its peak memory, for
// 10,000 and 100,000 records.
//
//   npm run build && node test/bench/restore-api-bench.mjs [--sizes 10000,100000] [--rps 500]
//     [--latency 20] [--concurrency 16] [--runs 1] [--json FILE]
//
// `npm run bench` runs it last (BENCH_RESTORE_API=0 skips it). Per size: the fixture API in a
// process of its own serves N records, which are backed up into a new repository (not
// measured); a second fixture API (its own process too) with a rate limit of `rps` writes per
// second (token bucket whose burst absorbs 50 ms of arrival jitter) and `latency` ms per answer is the target. Then, in a fresh
// process, the built engine restores every record into it (`restoreApi` with `baseUrl`), each a
// POST with an Idempotency-Key whose new id goes into the id map and the journal — the
// heaviest restore a definition can ask for. Reported: records per second end to end and while
// the API was busy (first request to last, as the server saw them), as a share of `rps`; CPU
// seconds; peak RSS and heap of the restoring process. Rates are reported, never asserted.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    rps: { type: 'string', default: '500' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' },
    runs: { type: 'string', default: '1' },
    json: { type: 'string' },
    // Internal: restore in this process and print one JSON line.
    child: { type: 'string' },
  },
});
const rps = Number(values.rps);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
const dist = new URL('../../dist/electron/engine/', import.meta.url);

async function startServer(options) {
  const main = fileURLToPath(new URL('../fixtures/api-server/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const first = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('exit', () => reject(new Error(`fixture server exited: ${stderr}`)));
  });
  return {
    baseUrl: JSON.parse(first).baseUrl,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve(JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}')));
        child.stdin.end();
      }),
  };
}

function definitionFor(baseUrl) {
  return {
    name: 'bench',
    baseUrl,
    limits: { concurrency, requestsPerSecond: rps },
    endpoints: [
      {
        name: 'items',
        path: '/items',
        records: 'data',
        pagination: { type: 'page', sizeParam: 'per_page', size: 1000 },
      },
    ],
    restore: {
      items: {
        method: 'POST',
        path: '/projects',
        omit: ['id', 'updated_at'],
        idMap: true,
        idempotencyKey: true,
      },
    },
  };
}

/** Backs the source up into a new repository in `dir` (not measured). */
async function prepare(size, dir) {
  const { createEngine } = await import(new URL('service.js', dist).href);
  const { parseSourceDefinition } = await import(
    new URL('sources/api/load-source-definition.js', dist).href
  );
  const source = await startServer({ items: size, projects: 0 });
  const engine = createEngine();
  const ref = { location: path.join(dir, 'repo'), password: 'bench' };
  await engine.initRepository(ref);
  await engine.backupApi(ref, {
    definition: parseSourceDefinition(definitionFor(source.baseUrl)),
    tempDir: dir,
  });
  await source.stop();
}

const now = () => performance.timeOrigin + performance.now();

async function measureRestore(size, dir) {
  const { createEngine } = await import(new URL('service.js', dist).href);
  const { parseSourceDefinition } = await import(
    new URL('sources/api/load-source-definition.js', dist).href
  );
  process.env.CAIRN_HOME = path.join(dir, 'home');
  const target = await startServer({
    items: 0,
    projects: 0,
    tasks: 0,
    // Requests paced exactly at the limit still arrive bunched by a few ms (timers, GC, the
    // server's own event loop); API limiters allow bursts for that. 50 ms' worth is far less
    // than real APIs allow (often a second's worth or more), and Cairn never bursts by design.
    rateLimit: { requestsPerSecond: rps, burst: Math.max(5, Math.round(rps / 20)) },
    latencyMs,
  });
  const definition = parseSourceDefinition(definitionFor('http://127.0.0.1:1/unused'));
  const engine = createEngine();
  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const startedAt = now();
  const cpuAtStart = process.cpuUsage();
  let result;
  try {
    result = await engine.restoreApi(
      { location: path.join(dir, 'repo'), password: 'bench' },
      { snapshot: 'latest', definition, endpoint: 'items', baseUrl: target.baseUrl },
    );
  } finally {
    clearInterval(sampler);
  }
  const seconds = (now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  // What the finished restore still holds (its result, the id maps it kept), garbage aside.
  global.gc?.();
  const liveHeap = process.memoryUsage().heapUsed - baseline.heapUsed;
  const stats = await target.stop();
  if (result.counts.succeeded !== size)
    throw new Error(
      `restored ${result.counts.succeeded} of ${size} records (${result.failed[0]?.reason ?? ''})`,
    );
  const busy = (stats.lastMs - stats.firstMs + latencyMs) / 1000;
  return {
    records: size,
    requests: stats.requests,
    refused: stats.refused,
    seconds: round(seconds, 2),
    cpu_s: round((cpu.user + cpu.system) / 1e6, 2),
    of_allowed: round((size / seconds / rps) * 100, 1),
    api_busy_of_allowed: round((size / busy / rps) * 100, 1),
    before_first_request_s: round((stats.firstMs - startedAt) / 1000, 2),
    peak_rss_mb: Math.round(peakRss / 1e6),
    peak_heap_mb: Math.round(peakHeap / 1e6),
    live_heap_mb: round(liveHeap / 1e6, 1),
  };
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measureInChild(size, dir) {
  const self = fileURLToPath(import.meta.url);
  const args = [
    '--rps',
    values.rps,
    '--latency',
    values.latency,
    '--concurrency',
    values.concurrency,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--max-semi-space-size=1',
        // BENCH_CPU_PROF=DIR writes a CPU profile of the restoring process there.
        ...(process.env.BENCH_CPU_PROF
          ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF]
          : []),
        self,
        ...args,
        '--child',
        `${size}:${dir}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line)
        reject(new Error(`restore of ${size} records failed (exit ${code})`));
      else resolve(JSON.parse(line));
    });
  });
}

const percent = (value) => `${value.toFixed(1)} %`;

if (values.child !== undefined) {
  const at = values.child.indexOf(':');
  const size = Number(values.child.slice(0, at));
  console.log(JSON.stringify(await measureRestore(size, values.child.slice(at + 1))));
} else {
  if (!existsSync(new URL('service.js', dist))) {
    console.error('restore-api bench: Cairn is not built; run `npm run build` first');
    process.exit(1);
  }
  const runs = Math.max(1, Number(values.runs));
  const sizes = values.sizes.split(',').map(Number);
  const cores = os.cpus().length;
  console.log(
    `restore-api bench: POST with Idempotency-Key and id map per record, limit ${rps} requests/s, ` +
      `${latencyMs} ms latency, concurrency ${concurrency}; ${runs} run(s), ${cores} cores, node ${process.version}`,
  );
  const samples = new Map();
  const loads = [];
  for (const size of sizes) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-restore-api-bench-'));
    try {
      await prepare(size, dir);
      for (let run = 0; run < runs; run++) {
        await rm(path.join(dir, 'home'), { recursive: true, force: true });
        const load = os.loadavg()[0];
        loads.push(load);
        const m = await measureInChild(size, dir);
        console.log(
          `  run ${run + 1}, ${size} records: ${percent(m.of_allowed)} end to end, ` +
            `${percent(m.api_busy_of_allowed)} while the API was busy, ${m.seconds} s, CPU ${m.cpu_s} s, ` +
            `peak RSS ${m.peak_rss_mb} MB, heap ${m.peak_heap_mb} MB (live after GC ${m.live_heap_mb} MB), ${m.refused} refused (load ${load.toFixed(2)})`,
        );
        samples.set(size, [...(samples.get(size) ?? []), m]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const results = [...samples].map(([records, list]) => {
    const pick = (name) => median(list.map((s) => s[name]));
    return {
      records,
      of_allowed: pick('of_allowed'),
      api_busy_of_allowed: pick('api_busy_of_allowed'),
      seconds: pick('seconds'),
      cpu_s: pick('cpu_s'),
      peak_rss_mb: pick('peak_rss_mb'),
      peak_heap_mb: pick('peak_heap_mb'),
      live_heap_mb: pick('live_heap_mb'),
      samples: list,
    };
  });
  console.log(
    `\nmedians of ${runs} run(s); rates as a share of the ${rps} writes/s the API allows\n`,
  );
  const header = [
    'records',
    'end to end',
    'API busy',
    'seconds',
    'CPU s',
    'peak RSS',
    'peak heap',
    'live heap',
  ];
  const rows = results.map((r) => [
    String(r.records),
    percent(r.of_allowed),
    percent(r.api_busy_of_allowed),
    r.seconds.toFixed(2),
    r.cpu_s.toFixed(2),
    `${Math.round(r.peak_rss_mb)} MB`,
    `${Math.round(r.peak_heap_mb)} MB`,
    `${r.live_heap_mb.toFixed(1)} MB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows])
    console.log(
      row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
    );
  if (values.json) {
    mkdirSync(path.dirname(values.json), { recursive: true });
    const settings = { rps, latencyMs, concurrency, runs };
    writeFileSync(
      values.json,
      `${JSON.stringify({ date: new Date().toISOString(), settings, cpus: cores, node: process.version, loadAverageAtRunStart: loads, results }, null, 2)}\n`,
    );
    console.log(`\nresults: ${values.json}`);
  }
}
