// Realistic-looking server log text. Compressibility is the point: real logs repeat their
// structure but not their values, so each line mixes fixed vocabulary with timestamps, ids,
// durations and sizes drawn from the PRNG. A template repeated with a counter would compress
// to ~5 % and flatter every compressor; this aims at zstd level 3 ratios of roughly 0.2–0.4.

const SERVICES = ['api', 'auth', 'billing', 'search', 'worker', 'gateway', 'sync', 'mailer'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'];
const RESOURCES = ['projects', 'users', 'items', 'invoices', 'comments', 'files', 'teams', 'tags'];
const STATUSES = [200, 200, 200, 200, 200, 201, 204, 304, 400, 401, 403, 404, 409, 429, 500, 503];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
  'curl/8.5.0',
  'python-requests/2.32.3',
  'okhttp/4.12.0',
  'Go-http-client/2.0',
];
const TABLES = ['orders', 'users', 'sessions', 'line_items', 'events', 'audit_log', 'accounts'];
const WARNINGS = [
  'slow query',
  'retrying upstream request',
  'cache miss storm',
  'connection pool exhausted',
  'token near expiry',
  'rate limit close',
];
const ERRORS = [
  'ECONNRESET',
  'ETIMEDOUT',
  'deadlock detected',
  'unique constraint violated',
  'upstream returned 502',
  'invalid signature',
];
const FRAMES = [
  'at handleRequest (/srv/app/dist/server/router.js:{n}:17)',
  'at Query.run (/srv/app/node_modules/pg/lib/query.js:{n}:22)',
  'at async Promise.all (index {n})',
  'at processTicksAndRejections (node:internal/process/task_queues:{n}:5)',
  'at Worker.execute (/srv/app/dist/jobs/worker.js:{n}:9)',
];

/**
 * Returns a function that yields the next log line (with its newline) each call.
 * @param {import('./prng.mjs').Prng} rng
 * @param {number} startMs the first timestamp, so different files cover different days
 */
export function logLineSource(rng, startMs) {
  let now = startMs;
  const host = `web-${rng.range(1, 12)}`;
  return () => {
    now += rng.int(40); // bursts of traffic: several lines per millisecond-ish
    const ts = new Date(now).toISOString();
    const svc = `${rng.pick(SERVICES)}-${rng.int(8)}`;
    const roll = rng.int(100);
    if (roll < 70) return accessLine(rng, ts, host, svc);
    if (roll < 85) return queryLine(rng, ts, host, svc);
    if (roll < 93) return jobLine(rng, ts, host, svc);
    if (roll < 98) {
      return `${ts} WARN  ${host} [${svc}] ${rng.pick(WARNINGS)} after ${rng.range(200, 9000)}ms attempt=${rng.range(1, 5)}\n`;
    }
    return errorLines(rng, ts, host, svc);
  };
}

function accessLine(rng, ts, host, svc) {
  const method = rng.pick(METHODS);
  const path = `/v${rng.range(1, 2)}/${rng.pick(RESOURCES)}/${rng.int(50000)}`;
  const query =
    rng.int(3) === 0 ? `?page=${rng.range(1, 40)}&limit=${rng.pick([20, 50, 100])}` : '';
  const ip = `10.${rng.int(4)}.${rng.int(256)}.${rng.int(256)}`;
  const dur = (rng.float() * rng.pick([5, 50, 500])).toFixed(1);
  return (
    `${ts} INFO  ${host} [${svc}] req=${rng.hex(16)} trace=${rng.hex(8)} ${method} ${path}${query} ` +
    `status=${rng.pick(STATUSES)} bytes=${rng.int(60000)} dur_ms=${dur} ip=${ip} ` +
    `user=${rng.int(20000)} ua="${rng.pick(AGENTS)}"\n`
  );
}

function queryLine(rng, ts, host, svc) {
  const table = rng.pick(TABLES);
  const dur = (rng.float() * 80).toFixed(2);
  return (
    `${ts} DEBUG ${host} [${svc}] db query="SELECT * FROM ${table} WHERE id = $1 AND tenant_id = $2" ` +
    `params=[${rng.int(1000000)},${rng.int(500)}] rows=${rng.int(200)} dur_ms=${dur}\n`
  );
}

function jobLine(rng, ts, host, svc) {
  const state = rng.pick(['started', 'finished', 'finished', 'queued']);
  return (
    `${ts} INFO  ${host} [${svc}] job=${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)} ` +
    `kind=${rng.pick(['export', 'reindex', 'thumbnail', 'email', 'invoice'])} ${state} ` +
    `queue_depth=${rng.int(300)} elapsed_ms=${rng.int(120000)}\n`
  );
}

function errorLines(rng, ts, host, svc) {
  let out = `${ts} ERROR ${host} [${svc}] request failed: ${rng.pick(ERRORS)} req=${rng.hex(12)}\n`;
  const frames = rng.range(3, 8);
  for (let i = 0; i < frames; i++) {
    out += `    ${rng.pick(FRAMES).replace('{n}', String(rng.range(10, 900)))}\n`;
  }
  return out;
}
