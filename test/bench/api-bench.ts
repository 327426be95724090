/**
 * API source benchmark: records per second and peak memory of an API source backup against the
 * fixture API (its own process, loopback) with a rate limit and a per-request latency, for
 * 100,000 and 1,000,000 records. The API allows `rps × pageSize` records per second; SPEC §10
 * wants an API backup limited by the API, not by Cairn: the goal is ≥ 90 % of that rate end to
 * end, with memory that does not grow with the number of records.
 *
 *   npx tsx test/bench/api-bench.ts [--sizes 100000,1000000] [--rps 50] [--page 1000]
 *     [--latency 20] [--concurrency 4] [--style page|offset|cursor] [--mode backup|pull]
 *     [--runs 1]
 *
 * --mode backup (default) is `cairn backup --api` in-process: a real repository in a temp folder,
 * records chunked, sealed and packed, snapshot saved. --mode pull only pulls the records and
 * hashes the stored form (the API source engine alone).
 *
 * Each measurement runs in a fresh process, so one size's peak memory does not hide the next
 * one's. Reported per size (median of the runs):
 * - `of_allowed`: records per second end to end (start to snapshot saved), as a share of the
 *   rate the API allows;
 * - `api_busy_of_allowed`: records per second while the API was being asked (its first to its
 *   last request, as the server saw them), as a share of the same; the difference to
 *   `of_allowed` is the time spent before the first and after the last request;
 * - peak RSS and peak JS heap of the process (the heap excludes the crypto workers' heaps;
 *   RSS includes them).
 * Rates are reported, never asserted: they depend on the machine and its load.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine } from '../../electron/engine/service.js';
import { parseSourceDefinition } from '../../electron/engine/sources/api/load-source-definition.js';
import { pullApiSource } from '../../electron/engine/sources/api/pull-api-source.js';
import type { SourceDefinition } from '../../electron/engine/sources/api/source-definition.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    rps: { type: 'string', default: '50' },
    page: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    style: { type: 'string', default: 'page' },
    mode: { type: 'string', default: 'backup' },
    runs: { type: 'string', default: '1' },
    json: { type: 'string' },
    /** Internal: measure one size in this process and print one JSON line. */
    child: { type: 'string' },
  },
});
const rps = Number(values.rps);
const pageSize = Number(values.page);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
const mode = values.mode === 'pull' ? 'pull' : 'backup';

interface ServerProcess {
  baseUrl: string;
  stop(): Promise<ServerStats>;
}

interface ServerStats {
  requests: number;
  refused: number;
  maxConcurrent: number;
  /** When the first and the last request arrived, in ms since 1970. */
  firstMs: number;
  lastMs: number;
}

interface Measurement {
  records: number;
  requests: number;
  seconds: number;
  /** CPU seconds (user + system) of the Cairn process, crypto workers included. */
  cpu_s: number;
  records_per_s: number;
  of_allowed: number;
  api_busy_s: number;
  api_busy_of_allowed: number;
  /** From the start to the first request, and from the last answer to the end. */
  before_first_request_s: number;
  after_last_answer_s: number;
  refused: number;
  stored_mb: number;
  peak_rss_mb: number;
  peak_rss_over_baseline_mb: number;
  peak_heap_mb: number;
}

async function startServer(items: number): Promise<ServerProcess> {
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
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', () => reject(new Error(`fixture server exited: ${stderr}`)));
  });
  return {
    baseUrl: (JSON.parse(first) as { baseUrl: string }).baseUrl,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () =>
          resolve(JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as ServerStats),
        );
        child.stdin.end();
      }),
  };
}

function endpointFor(style: string) {
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
  return {
    path: '/items',
    records: 'data',
    pagination: { type: 'page', sizeParam: 'per_page', size: pageSize },
  };
}

/** Pulls the source, hashing the stored form (stands in for the engine consuming it). */
async function pull(definition: SourceDefinition, tempDir: string) {
  let bytes = 0;
  let records = 0;
  const hash = createHash('sha256');
  for await (const pulled of pullApiSource({ definition, tempDir })) {
    for await (const attempt of pulled.attempts) {
      for await (const chunk of attempt) {
        bytes += chunk.byteLength;
        hash.update(chunk);
      }
    }
    if (pulled.meta.status !== 'ok') throw new Error(pulled.meta.error?.message);
    records += pulled.meta.records;
  }
  return { bytes, records };
}

/** `cairn backup --api` in-process, into a new repository in `tempDir`. */
async function backup(definition: SourceDefinition, tempDir: string, clock: Clock) {
  const engine = createEngine();
  const ref = { location: path.join(tempDir, 'repo'), password: 'bench' };
  await engine.initRepository(ref);
  clock.start();
  const result = await engine.backupApi(ref, { definition, tempDir });
  clock.stop();
  if (result.snapshot.incomplete) throw new Error(result.snapshot.incomplete_reasons.join('; '));
  const file = await engine.readFile(ref, 'latest', '/api/bench/items.meta.json', {
    offset: 0,
    length: 1 << 20,
  });
  const meta = JSON.parse(file.toString('utf8')) as { records: number };
  return { bytes: result.snapshot.stats.bytes_processed, records: meta.records };
}

/** Wall and CPU time of the measured part. */
class Clock {
  /** ms since 1970, as the fixture server reports its requests. */
  startedAt = now();
  stoppedAt = 0;
  private cpuAtStart = process.cpuUsage();
  seconds = 0;
  cpuSeconds = 0;

  start(): void {
    this.startedAt = now();
    this.cpuAtStart = process.cpuUsage();
  }

  stop(): void {
    this.stoppedAt = now();
    this.seconds = (this.stoppedAt - this.startedAt) / 1000;
    const cpu = process.cpuUsage(this.cpuAtStart);
    this.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  }
}

async function measureOne(items: number): Promise<Measurement> {
  const server = await startServer(items);
  const tempDir = await mkdtemp(path.join(tmpdir(), 'cairn-api-bench-'));
  const definition = parseSourceDefinition({
    name: 'bench',
    baseUrl: server.baseUrl,
    limits: { concurrency, requestsPerSecond: rps },
    endpoints: [{ name: 'items', ...endpointFor(values.style!) }],
  });
  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 25);
  const clock = new Clock();
  let outcome: { bytes: number; records: number };
  try {
    if (mode === 'pull') {
      outcome = await pull(definition, tempDir);
      clock.stop();
    } else {
      outcome = await backup(definition, tempDir, clock);
    }
  } finally {
    clearInterval(sampler);
    await rm(tempDir, { recursive: true, force: true });
  }
  const seconds = clock.seconds;
  const stats = await server.stop();
  if (outcome.records !== items) throw new Error(`stored ${outcome.records} of ${items} records`);
  const allowed = rps * pageSize;
  const rate = outcome.records / seconds;
  // The server's clock: from the first request's arrival to the last one's, plus its latency.
  const busy = (stats.lastMs - stats.firstMs + latencyMs) / 1000;
  return {
    records: outcome.records,
    requests: stats.requests,
    seconds: round(seconds, 2),
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

function now(): number {
  return performance.timeOrigin + performance.now();
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs one measurement in a fresh process (with --expose-gc for a clean baseline). */
function measureInChild(size: number): Promise<Measurement> {
  const self = fileURLToPath(import.meta.url);
  const args = process.argv
    .slice(2)
    .filter((a, i, all) => a !== '--child' && all[i - 1] !== '--child');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', self, ...args, '--child', String(size)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`bench child for ${size} failed (exit ${code})`));
      else resolve(JSON.parse(line) as Measurement);
    });
  });
}

if (values.child !== undefined) {
  console.log(JSON.stringify(await measureOne(Number(values.child))));
} else {
  const runs = Math.max(1, Number(values.runs));
  const sizes = values.sizes!.split(',').map(Number);
  const load = () => os.loadavg()[0]!.toFixed(2);
  console.log(
    `API source bench (${mode}): ${values.style} pagination, ${pageSize} records/page, ` +
      `limit ${rps} requests/s (allows ${rps * pageSize} records/s), ${latencyMs} ms latency, ` +
      `concurrency ${concurrency}; ${runs} run(s) per size, ${os.cpus().length} cores, load ${load()}`,
  );
  const results = [];
  for (const size of sizes) {
    const samples: Measurement[] = [];
    for (let run = 0; run < runs; run++) {
      const m = await measureInChild(size);
      console.log(`  ${size} records, run ${run + 1}: ${JSON.stringify(m)} (load ${load()})`);
      samples.push(m);
    }
    const pick = (key: keyof Measurement) => median(samples.map((s) => s[key]));
    results.push({
      records: size,
      of_allowed: pick('of_allowed'),
      api_busy_of_allowed: pick('api_busy_of_allowed'),
      records_per_s: pick('records_per_s'),
      seconds: pick('seconds'),
      peak_rss_mb: pick('peak_rss_mb'),
      peak_heap_mb: pick('peak_heap_mb'),
      samples,
    });
  }
  console.log(`\nmedians (${mode}; % of the ${rps * pageSize} records/s the API allows)`);
  console.log('records    end to end  API busy  records/s  seconds  peak RSS  peak heap');
  for (const r of results) {
    console.log(
      `${String(r.records).padEnd(10)} ${`${r.of_allowed.toFixed(1)} %`.padStart(10)}  ` +
        `${`${r.api_busy_of_allowed.toFixed(1)} %`.padStart(8)}  ${String(r.records_per_s).padStart(9)}  ` +
        `${r.seconds.toFixed(2).padStart(7)}  ${`${r.peak_rss_mb} MB`.padStart(8)}  ` +
        `${`${r.peak_heap_mb} MB`.padStart(9)}`,
    );
  }
  if (values.json) {
    mkdirSync(path.dirname(values.json), { recursive: true });
    writeFileSync(
      values.json,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          mode,
          settings: { style: values.style, pageSize, rps, latencyMs, concurrency, runs },
          machine: { cpus: os.cpus().length, load: os.loadavg() },
          node: process.version,
          results,
        },
        null,
        2,
      )}\n`,
    );
  }
}
