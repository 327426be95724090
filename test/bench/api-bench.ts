/**
 * API source benchmark: records per second and peak memory of pullApiSource against the fixture
 * API (own process, loopback) with a rate limit and a per-request latency, for 100,000 and
 * 1,000,000 records. The API allows `rps × pageSize` records per second; the goal is ≥ 90 % of
 * that (SPEC §10: an API backup is limited by the API, not by Cairn), with flat memory.
 *
 *   npx tsx test/bench/api-bench.ts [--sizes 100000,1000000] [--rps 50] [--page 1000] [--latency 20]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSourceDefinition } from '../../electron/engine/sources/api/load-source-definition.js';
import { pullApiSource } from '../../electron/engine/sources/api/pull-api-source.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    rps: { type: 'string', default: '50' },
    page: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    style: { type: 'string', default: 'page' },
  },
});
const rps = Number(values.rps);
const pageSize = Number(values.page);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);

interface ServerProcess {
  baseUrl: string;
  stop(): Promise<string>;
}

async function startServer(items: number): Promise<ServerProcess> {
  const main = fileURLToPath(new URL('../fixtures/api-server/main.ts', import.meta.url));
  // The server's bucket holds a few requests (burst 5), as real APIs' do, so scheduling jitter on a busy machine is not a 429.
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
        child.on('exit', () => resolve(stderr.trim()));
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

async function bench(items: number) {
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
  const started = performance.now();
  let bytes = 0;
  let records = 0;
  let requests = 0;
  let fetchedAt = 0; // when the last page was in: the rest is sorting and storing
  const onProgress = (p: { phase: string }) => {
    if (p.phase === 'sorting') fetchedAt = performance.now();
  };
  const hash = createHash('sha256'); // stands in for the engine consuming the stream
  try {
    for await (const pulled of pullApiSource({ definition, tempDir, onProgress })) {
      for await (const chunk of pulled.data) {
        bytes += chunk.byteLength;
        hash.update(chunk);
      }
      if (pulled.meta.status !== 'ok') throw new Error(pulled.meta.error?.message);
      records += pulled.meta.records;
      requests += pulled.meta.requests;
    }
  } finally {
    clearInterval(sampler);
    await rm(tempDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const serverStats = await server.stop();
  const allowed = rps * pageSize;
  const rate = records / seconds;
  const fetchSeconds = (fetchedAt - started) / 1000;
  return {
    records,
    requests,
    seconds: Number(seconds.toFixed(2)),
    records_per_s: Math.round(rate),
    allowed_records_per_s: allowed,
    of_allowed: `${((rate / allowed) * 100).toFixed(1)}%`,
    fetch_seconds: Number(fetchSeconds.toFixed(2)),
    fetch_of_allowed: `${((records / fetchSeconds / allowed) * 100).toFixed(1)}%`,
    stored_mb: Number((bytes / 1e6).toFixed(1)),
    peak_rss_mb: Math.round(peakRss / 1e6),
    peak_rss_over_baseline_mb: Math.round((peakRss - baseline.rss) / 1e6),
    peak_heap_mb: Math.round(peakHeap / 1e6),
    server: JSON.parse(serverStats.split('\n').at(-1) ?? '{}') as unknown,
  };
}

console.log(
  `API source bench: ${values.style} pagination, ${pageSize} records/page, limit ${rps} requests/s, ` +
    `${latencyMs} ms latency, concurrency ${concurrency}`,
);
for (const size of values.sizes!.split(',').map(Number)) {
  console.log(JSON.stringify(await bench(size)));
}
