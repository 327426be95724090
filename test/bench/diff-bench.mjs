// Diff bench: what `cairn diff` reads to compare two large, mostly equal snapshots. A diff
// compares tree and chunk ids first and reads contents only where chunks differ, so its cost
// should follow the size of the change, not of the snapshots: the measure is `bytes_read` (from
// `diff --json`) against what the repository holds, with wall time, CPU and peak RSS.
//
//   npm run build && node test/bench/diff-bench.mjs [--records 500000] [--files 4000]
//     [--big-mb 200] [--runs 1] [--json FILE]
//
// Two pairs of snapshots, each the second one after a few edits:
// - api: the fixture API (its own process, no rate limit) with `--records` items, backed up
//   with `cairn backup --api`; then 10 records edited across the range, 5 deleted, 5 added.
//   Measured: the diff (records by id) and `diff --record` of one edited record.
// - folder: `--files` small files in 40 folders and one `--big-mb` MB file (seeded PRNG data);
//   then 10 small files rewritten and 1 MiB overwritten in the middle of the large file.
// Every diff's result is checked against the edits made; a wrong answer fails the bench.
// `npm run bench` runs it last (BENCH_DIFF=0 skips it; BENCH_DIFF_RECORDS sets --records).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_ROOT } from './generate-data.mjs';
import { diskUsage, measure, memorySource } from './measure.mjs';
import { Prng } from './prng.mjs';
import { formatDiffTable, median } from './report.mjs';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '500000' },
    files: { type: 'string', default: '4000' },
    'big-mb': { type: 'string', default: '200' },
    runs: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const records = Number(values.records);
const files = Number(values.files);
const bigMB = Number(values['big-mb']);
const runs = Math.max(1, Number(values.runs));
const MiB = 1024 * 1024;

const cli = fileURLToPath(new URL('../../dist/cli/cairn.js', import.meta.url));
if (!fs.existsSync(cli)) {
  console.error('diff bench: Cairn is not built; run `npm run build` first');
  process.exit(1);
}
const work = path.join(BENCH_ROOT, 'diff-work');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, 'home'), { recursive: true });
const env = { CAIRN_PASSWORD: 'bench', CAIRN_HOME: path.join(work, 'home') };

/** Runs `cairn ARGS`; any failure stops the bench. */
function cairn(args) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * MiB,
  });
  if (r.status !== 0) throw new Error(`cairn ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

function snapshotIds(repo) {
  return JSON.parse(cairn(['snapshots', '--repo', repo, '--json'])).map((s) => s.id);
}

/** `cairn diff … --json`, measured; the parsed result rides along. */
async function measuredDiff(repo, a, b, extra = []) {
  const r = await measure(
    process.execPath,
    [cli, 'diff', a, b, '--repo', repo, '--json', ...extra],
    {
      env,
    },
  );
  if (r.code !== 0) throw new Error(`diff failed (exit ${r.code}): ${r.stderr}`);
  return { ...r, result: JSON.parse(r.stdout) };
}

function check(what, got, want) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${what}: diff found ${g}, the edits made ${w}`);
}

/** The fixture API in its own process; `send` edits its items. */
async function startApi(items) {
  const main = fileURLToPath(new URL('diff-api-server.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', main, JSON.stringify({ items, projects: 0 })],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = [];
  const waiters = [];
  let buffered = '';
  child.stdout.on('data', (d) => {
    buffered += d.toString();
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      waiters.shift()?.();
    }
  });
  const nextLine = async () => {
    while (lines.length === 0) await new Promise((r) => waiters.push(r));
    return lines.shift();
  };
  const { baseUrl } = JSON.parse(await nextLine());
  return {
    baseUrl,
    async send(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      await nextLine();
    },
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', resolve);
        child.stdin.end();
      }),
  };
}

async function apiCase() {
  const dir = path.join(work, 'api');
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(dir, { recursive: true });
  const api = await startApi(records);
  try {
    const source = path.join(dir, 'bench.source.json');
    fs.writeFileSync(
      source,
      JSON.stringify({
        name: 'bench',
        baseUrl: api.baseUrl,
        limits: { concurrency: 4, requestsPerSecond: 100000 },
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 1000 },
          },
        ],
      }),
    );
    cairn(['init', '--repo', repo]);
    cairn(['backup', '--api', source, '--repo', repo]);
    const edited = Array.from({ length: 10 }, (_, i) => Math.floor(((i + 0.5) * records) / 10));
    const deleted = Array.from({ length: 5 }, (_, i) => Math.floor(((i + 0.3) * records) / 5));
    for (const id of edited) await api.send({ edit: id, title: `edited ${id}` });
    for (const id of deleted) await api.send({ delete: id });
    for (let i = 0; i < 5; i++) await api.send({ insert: `added ${i}` });
    cairn(['backup', '--api', source, '--repo', repo]);
    const [a, b] = snapshotIds(repo);
    const want = {
      added: Array.from({ length: 5 }, (_, i) => ({ id: records + 1 + i })),
      removed: deleted.map((id) => ({ id })),
      changed: edited.map((id) => ({ id })),
    };
    const stored = diskUsage(path.join(repo, 'data')).apparent;
    const rows = { diff: [], record: [] };
    for (let run = 0; run < runs; run++) {
      const d = await measuredDiff(repo, a, b);
      const items = d.result.endpoints.find((e) => e.endpoint === 'items') ?? {};
      check(
        'api diff',
        { added: items.added, removed: items.removed, changed: items.changed },
        want,
      );
      rows.diff.push(sample(d, stored));
      const r = await measuredDiff(repo, a, b, ['--record', `items/${edited[5]}`]);
      check('api --record', r.result.records?.[0]?.fields?.[0]?.after, `edited ${edited[5]}`);
      rows.record.push(sample(r, stored));
    }
    const snapshotBytes = JSON.parse(cairn(['snapshots', '--repo', repo, '--json']))[1].stats
      .bytes_processed;
    return [
      row(
        `api, ${records} records`,
        snapshotBytes,
        stored,
        '10 changed, 5 removed, 5 added',
        rows.diff,
      ),
      row(
        '  --record (one of them)',
        snapshotBytes,
        stored,
        'field changes of 1 record',
        rows.record,
      ),
    ];
  } finally {
    await api.stop();
  }
}

async function folderCase() {
  const dir = path.join(work, 'folder');
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');
  const prng = new Prng(20261204, 7);
  const small = [];
  for (let i = 0; i < files; i++) {
    const folder = path.join(src, `folder-${String(i % 40).padStart(2, '0')}`);
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `file-${i}.bin`);
    const data = Buffer.allocUnsafe(1024 + prng.int(7168));
    prng.fill(data);
    fs.writeFileSync(file, data);
    small.push(file);
  }
  const big = path.join(src, 'large.bin');
  const block = Buffer.allocUnsafe(MiB);
  const fd = fs.openSync(big, 'w');
  for (let i = 0; i < bigMB; i++) {
    prng.fill(block);
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
  cairn(['init', '--repo', repo]);
  cairn(['backup', src, '--repo', repo]);
  const rewritten = Array.from({ length: 10 }, (_, i) => small[Math.floor((i * files) / 10)]);
  for (const file of rewritten) {
    const data = Buffer.allocUnsafe(2048);
    prng.fill(data);
    fs.writeFileSync(file, data);
  }
  const patch = fs.openSync(big, 'r+');
  prng.fill(block);
  fs.writeSync(patch, block, 0, MiB, Math.floor(bigMB / 2) * MiB);
  fs.closeSync(patch);
  cairn(['backup', src, '--repo', repo]);
  const [a, b] = snapshotIds(repo);
  const stored = diskUsage(path.join(repo, 'data')).apparent;
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const d = await measuredDiff(repo, a, b);
    const modified = d.result.entries.filter((e) => e.change === 'modified').length;
    check('folder diff', modified, rewritten.length + 1);
    samples.push(sample(d, stored));
  }
  const bytes = small.reduce((sum, f) => sum + fs.statSync(f).size, 0) + bigMB * MiB;
  return [
    row(
      `folder, ${files} files + ${bigMB} MB`,
      bytes,
      stored,
      '10 files rewritten, 1 MiB of the large one',
      samples,
    ),
  ];
}

function sample(r, stored) {
  return {
    seconds: r.seconds,
    cpu_s: r.cpuSeconds,
    rss_mb: r.rssMB,
    bytes_read: r.result.bytes_read,
    of_repository: r.result.bytes_read / stored,
  };
}

function row(name, snapshotBytes, stored, changes, samples) {
  const pick = (key) => median(samples.map((s) => s[key]));
  return {
    case: name,
    snapshot_mb: snapshotBytes / 1e6,
    repository_mb: stored / 1e6,
    changes,
    seconds: pick('seconds'),
    cpu_s: pick('cpu_s'),
    peak_rss_mb: pick('rss_mb'),
    read_mb: pick('bytes_read') / 1e6,
    read_of_repository: pick('of_repository'),
    samples,
  };
}

console.log(
  `diff bench: ${records} API records; ${files} files + a ${bigMB} MB file; ${runs} run(s); memory: ${memorySource}`,
);
const results = [...(await apiCase()), ...(await folderCase())];
console.log(`\nmedians of ${runs} run(s); read = bytes_read of \`cairn diff --json\`\n`);
console.log(formatDiffTable(results));
if (values.json)
  fs.writeFileSync(
    values.json,
    JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n',
  );
fs.rmSync(work, { recursive: true, force: true });
