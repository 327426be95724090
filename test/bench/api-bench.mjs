// API source benchmark: records per second and peak memory of an API source backup against the
// fixture API (its own process, loopback) with a rate limit and a per-request latency, for
// 100,000 and 1,000,000 records. The API allows `rps × page` records per second; the goal is
// an API backup limited by the API, not by Cairn: ≥ 90 % of that rate end to end,
// with memory that does not grow with the number of records.
//
//   npm run build && node test/bench/api-bench.mjs [--sizes 100000,1000000] [--rps 50]
//     [--page 1000] [--latency 20] [--concurrency 4] [--style page|offset|cursor|unordered]
//     [--modes backup,pull] [--runs 1] [--json FILE]
//
// `npm run bench` runs it after the comparison with restic and borg (BENCH_API=0 skips it).
// Cairn is measured as it ships: the built engine (dist/) in a plain node process, as the
// `cairn` command runs it. Only the fixture API, a process of its own, runs from TypeScript.
//
// Modes: `backup` is `cairn backup --api` in-process, from the engine call to the snapshot
// saved: a real repository in a temp folder (its key derivation, lock, packs, index and
// snapshot included), records chunked, sealed and packed. `pull` is the API source engine
// alone: the records pulled and their stored form hashed, as the issue first measured it.
//
// Each measurement runs in a fresh process, so one size's peak memory does not hide the next
// one's, and runs interleave modes and sizes. Reported per mode and size (median of the runs):
// - end to end: records per second from start to end, as a share of the rate the API allows;
// - API busy: records per second from the first request to the last answer (as the server saw
//   them), as a share of the same; the rest is `before` the first request (for a backup mostly
//   the repository's key derivation) and `after` the last answer;
// - CPU: user + system seconds of the Cairn process (crypto workers included), which moves far
//   less than wall time when other work shares the machine;
// - peak RSS and peak JS heap of the process (the heap excludes the crypto workers' heaps;
//   RSS includes them).
// Rates are reported, never asserted: they depend on the machine and its load (printed).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    rps: { type: 'string', default: '50' },
    page: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    style: { type: 'string', default: 'page' },
    modes: { type: 'string', default: 'backup,pull' },
    runs: { type: 'string', default: '1' },
    json: { type: 'string' },
    // Internal: measure one mode and size in this process and print one JSON line.
    child: { type: 'string' },
  },
});
const rps = Number(values.rps);
const pageSize = Number(values.page);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
const modes = values.modes.split(',').map((mode) => {
  if (mode !== 'backup' && mode !== 'pull') throw new Error(`unknown mode ${mode} (backup, pull)`);
  return mode;
});
const dist = new URL('../../dist/electron/engine/', import.meta.url);

/** The fixture API in its own process; `stop()` gives its request statistics. */
async function startServer(items) {
  const main = fileURLToPath(new URL('../fixtures/api-server/main.ts', import.meta.url));
  // The server's bucket holds a few requests (burst 5), as real APIs' do, so scheduling jitter
  // on a busy machine is not a 429.
  const options = {
    items,
    projects: 0,
    rateLimit: { requestsPerSecond: rps, burst: 5 },
    latencyMs,
  };
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
    // { requests, refused, maxConcurrent, firstMs, lastMs } (ms since 1970)
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve(JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}')));
        child.stdin.end();
      }),
  };
}

function endpointFor(style) {
  if (style === 'offset') {
    return {
      path: '/items-offset',
      records: 'results',
      pagination: { type: 'offset', limitParam: 'limit', limit: pageSize },
    };
  }
  if (style === 'cursor') {
    return {
      path: `/items-cursor?limit=${pageSize}`,
      records: 'items',
      pagination: { type: 'cursor', cursorParam: 'cursor', nextCursor: 'next_cursor' },
    };
  }
  // `unordered`: every tenth id comes after all the others, so the last tenth must be sorted in.
  return {
    path: style === 'unordered' ? '/items-unordered' : '/items',
    records: 'data',
    pagination: { type: 'page', sizeParam: 'per_page', size: pageSize },
  };
}

/** Pulls the source, hashing the stored form (stands in for the engine storing it). */
async function pull(definition, tempDir, clock) {
  const { pullApiSource } = await import(new URL('sources/api/pull-api-source.js', dist).href);
  let bytes = 0;
  let records = 0;
  const hash = createHash('sha256');
  clock.start();
  for await (const pulled of pullApiSource({ definition, tempDir })) {
    for await (const attempt of pulled.attempts) {
      bytes = 0; // only the last attempt is the file
      for await (const chunk of attempt) {
        bytes += chunk.byteLength;
        hash.update(chunk);
      }
    }
    if (pulled.meta.status !== 'ok') throw new Error(pulled.meta.error?.message);
    records += pulled.meta.records;
  }
  clock.stop();
  return { bytes, records };
}

/** `cairn backup --api` in-process, into a new repository in `tempDir`. */
async function backup(definition, tempDir, clock) {
  const { createEngine } = await import(new URL('service.js', dist).href);
  const engine = createEngine();
  const ref = { location: path.join(tempDir, 'repo'), password: 'bench' };
  await engine.initRepository(ref);
  clock.start();
  const result = await engine.backupApi(ref, { definition, tempDir });
  clock.stop();
  if (result.snapshot.incomplete) throw new Error(result.snapshot.incomplete_reasons.join('; '));
  const meta = await engine.readFile(ref, 'latest', '/api/bench/items.meta.json', {
    offset: 0,
    length: 1 << 20,
  });
  return { bytes: result.snapshot.stats.bytes_processed, records: JSON.parse(meta).records };
}

/** ms since 1970, as the fixture server reports its requests. */
const now = () => performance.timeOrigin + performance.now();

/** Wall and CPU time of the measured part. */
class Clock {
  startedAt = now();
  stoppedAt = 0;
  seconds = 0;
  cpuSeconds = 0;
  #cpuAtStart = process.cpuUsage();

  start() {
    this.startedAt = now();
    this.#cpuAtStart = process.cpuUsage();
  }

  stop() {
    this.stoppedAt = now();
    this.seconds = (this.stoppedAt - this.startedAt) / 1000;
    const cpu = process.cpuUsage(this.#cpuAtStart);
    this.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  }
}

async function measureOne(mode, items) {
  const { parseSourceDefinition } = await import(
    new URL('sources/api/load-source-definition.js', dist).href
  );
  const server = await startServer(items);
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'cairn-api-bench-'));
  const definition = parseSourceDefinition({
    name: 'bench',
    baseUrl: server.baseUrl,
    limits: { concurrency, requestsPerSecond: rps },
    endpoints: [{ name: 'items', ...endpointFor(values.style) }],
  });
  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const clock = new Clock();
  let outcome;
  try {
    outcome = await (mode === 'pull' ? pull : backup)(definition, tempDir, clock);
  } finally {
    clearInterval(sampler);
    await rm(tempDir, { recursive: true, force: true });
  }
  const stats = await server.stop();
  if (outcome.records !== items) throw new Error(`stored ${outcome.records} of ${items} records`);
  const allowed = rps * pageSize;
  const rate = outcome.records / clock.seconds;
  // The server's clock: from the first request's arrival to the last one's, plus its latency.
  const busy = (stats.lastMs - stats.firstMs + latencyMs) / 1000;
  return {
    records: outcome.records,
    requests: stats.requests,
    seconds: round(clock.seconds, 2),
    cpu_s: round(clock.cpuSeconds, 2),
    records_per_s: Math.round(rate),
    of_allowed: round((rate / allowed) * 100, 1),
    api_busy_s: round(busy, 2),
    api_busy_of_allowed: round((outcome.records / busy / allowed) * 100, 1),
    before_first_request_s: round((stats.firstMs - clock.startedAt) / 1000, 2),
    after_last_answer_s: round((clock.stoppedAt - stats.lastMs - latencyMs) / 1000, 2),
    refused: stats.refused,
    stored_mb: round(outcome.bytes / 1e6, 1),
    peak_rss_mb: Math.round(peakRss / 1e6),
    peak_rss_over_baseline_mb: Math.round((peakRss - baseline.rss) / 1e6),
    peak_heap_mb: Math.round(peakHeap / 1e6),
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

/** Runs one measurement in a fresh process (with --expose-gc for a clean baseline). */
function measureInChild(mode, size) {
  const self = fileURLToPath(import.meta.url);
  const args = [
    ...['--rps', values.rps, '--page', values.page, '--latency', values.latency],
    ...['--concurrency', values.concurrency, '--style', values.style, '--modes', mode],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', self, ...args, '--child', String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line)
        reject(new Error(`${mode} of ${size} records failed (exit ${code})`));
      else resolve(JSON.parse(line));
    });
  });
}

const percent = (value) => `${value.toFixed(1)} %`;

if (values.child !== undefined) {
  console.log(JSON.stringify(await measureOne(modes[0], Number(values.child))));
} else {
  if (!existsSync(new URL('service.js', dist))) {
    console.error('api bench: Cairn is not built; run `npm run build` first');
    process.exit(1);
  }
  const runs = Math.max(1, Number(values.runs));
  const sizes = values.sizes.split(',').map(Number);
  const cores = os.cpus().length;
  const loads = [];
  console.log(
    `API source bench: ${values.style} pagination, ${pageSize} records/page, limit ${rps} ` +
      `requests/s (allows ${rps * pageSize} records/s), ${latencyMs} ms latency, concurrency ` +
      `${concurrency}; ${runs} run(s), ${cores} cores, node ${process.version}`,
  );
  const samples = new Map();
  for (let run = 0; run < runs; run++) {
    for (const size of sizes) {
      for (const mode of modes) {
        // Other work on the machine makes rates noisy; record how busy it was.
        const load = os.loadavg()[0];
        loads.push(load);
        const busy = load > cores / 2 ? ' — machine busy, rates will be noisy' : '';
        const m = await measureInChild(mode, size);
        console.log(
          `  run ${run + 1}, ${mode} ${size}: ${percent(m.of_allowed)} end to end, ` +
            `${percent(m.api_busy_of_allowed)} while the API was busy, ${m.seconds} s, ` +
            `CPU ${m.cpu_s} s, peak RSS ${m.peak_rss_mb} MB (load ${load.toFixed(2)}${busy})`,
        );
        const key = `${mode} ${size}`;
        samples.set(key, [...(samples.get(key) ?? []), m]);
      }
    }
  }
  const results = [...samples].map(([key, list]) => {
    const [mode, records] = key.split(' ');
    const pick = (name) => median(list.map((s) => s[name]));
    return {
      mode,
      records: Number(records),
      of_allowed: pick('of_allowed'),
      api_busy_of_allowed: pick('api_busy_of_allowed'),
      records_per_s: pick('records_per_s'),
      seconds: pick('seconds'),
      cpu_s: pick('cpu_s'),
      before_first_request_s: pick('before_first_request_s'),
      after_last_answer_s: pick('after_last_answer_s'),
      peak_rss_mb: pick('peak_rss_mb'),
      peak_heap_mb: pick('peak_heap_mb'),
      samples: list,
    };
  });
  console.log(
    `\nmedians of ${runs} run(s); rates as a share of the ${rps * pageSize} records/s the API ` +
      `allows (load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} ` +
      `on ${cores} cores)\n`,
  );
  const header = ['mode', 'records', 'end to end', 'API busy', 'seconds', 'before', 'after'];
  header.push('CPU s', 'peak RSS', 'peak heap');
  const rows = results.map((r) => [
    r.mode,
    String(r.records),
    percent(r.of_allowed),
    percent(r.api_busy_of_allowed),
    r.seconds.toFixed(2),
    r.before_first_request_s.toFixed(2),
    r.after_last_answer_s.toFixed(2),
    r.cpu_s.toFixed(2),
    `${Math.round(r.peak_rss_mb)} MB`,
    `${Math.round(r.peak_heap_mb)} MB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) {
    console.log(
      row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
    );
  }
  if (values.json) {
    mkdirSync(path.dirname(values.json), { recursive: true });
    const settings = { style: values.style, pageSize, rps, latencyMs, concurrency, runs, modes };
    const machine = { cpus: cores, cpuModel: os.cpus()[0]?.model };
    const document = { date: new Date().toISOString(), settings, machine, node: process.version };
    writeFileSync(
      values.json,
      `${JSON.stringify({ ...document, loadAverageAtRunStart: loads, results }, null, 2)}\n`,
    );
    console.log(`\nresults: ${values.json}`);
  }
}
