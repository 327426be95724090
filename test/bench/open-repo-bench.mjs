// Open-repository bench: how fast the desktop app and `cairn serve` answer once the repository
// is open (issue 11 wants listing snapshots, listing a folder of a snapshot and previewing a
// file each under 100 ms on the bench data set). Reported, never asserted.
//
//   npm run build && node test/bench/open-repo-bench.mjs [--size-mb 400] [--samples 20]
//     [--json FILE]
//
// The data set of the main bench (generate-data.mjs) is backed up twice with the built CLI;
// then, in this process, the built engine as the long-lived hosts create it
// (`createEngine({ keepOpen: true })`) is asked what the UI asks: the snapshot list, folders
// (each a different one, as a user opens them) and previews (the first 64 KiB, as the UI's
// preview reads, of different files: small JSON, large logs, large binary files). For
// comparison, the same requests through a one-shot engine (the CLI's: open, derive, read the
// index, close, per request). `npm run bench` runs it after the diff bench (BENCH_OPEN=0
// skips it).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_ROOT, ensureData } from './generate-data.mjs';
import { median } from './report.mjs';

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: process.env.BENCH_SIZE_MB ?? '400' },
    seed: { type: 'string', default: process.env.BENCH_SEED ?? '20261123' },
    samples: { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const samples = Math.max(1, Number(values.samples));
const previewBytes = 64 * 1024; // what the UI's preview reads (session/file-preview.ts)

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'dist/cli/cairn.js');
const servicePath = path.join(root, 'dist/electron/engine/service.js');
if (!fs.existsSync(cli) || !fs.existsSync(servicePath)) {
  console.error('open-repository bench: Cairn is not built; run `npm run build` first');
  process.exit(1);
}
const { createEngine } = await import(pathToFileURL(servicePath).href);

const data = ensureData({ seed: Number(values.seed), sizeMB: Number(values['size-mb']) });
const work = path.join(BENCH_ROOT, 'open-work');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, 'home'), { recursive: true });
const password = 'bench';
const repo = path.join(work, 'repo');
const env = { ...process.env, CAIRN_PASSWORD: password, CAIRN_HOME: path.join(work, 'home') };

function cairn(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cairn ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
}

console.log(`open-repository bench: ${data.files} files, ${(data.bytes / 1e6).toFixed(0)} MB`);
console.log(`  load ${os.loadavg()[0].toFixed(2)}; backing up twice with the CLI…`);
cairn(['init', '--repo', repo]);
cairn(['backup', data.dir, '--repo', repo]);
cairn(['backup', data.dir, '--repo', repo]);

const ref = { location: repo, password };

/** Milliseconds `fn` takes. */
async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// What to ask for: the snapshot's folders and files, from one recursive listing (not timed).
const setup = createEngine();
const snapshot = (await setup.listSnapshots(ref)).at(-1).id;
const all = await setup.listTree(ref, snapshot, '/', true);
const folders = spread(
  all.filter((e) => e.type === 'dir'),
  samples,
).map((e) => e.path);
const bySize = all.filter((e) => e.type === 'file').sort((a, b) => a.size - b.size);
const files = spread(bySize, samples).map((e) => e.path); // small to large
await setup.close();

/** `n` entries spread evenly over `list`. */
function spread(list, n) {
  if (list.length <= n) return list;
  return Array.from({ length: n }, (_, i) => list[Math.floor((i * (list.length - 1)) / (n - 1))]);
}

const kept = createEngine({ keepOpen: true });
const results = { open: {}, kept: {}, oneShot: {} };
results.open.connectMs = await timed(() => kept.listSnapshots(ref)); // derives the key
results.open.firstFolderMs = await timed(() => kept.listTree(ref, snapshot, '/')); // reads the index
const keptTimes = { listSnapshots: [], listFolder: [], preview: [] };
for (let i = 0; i < samples; i++)
  keptTimes.listSnapshots.push(await timed(() => kept.listSnapshots(ref)));
for (const folder of folders)
  keptTimes.listFolder.push(await timed(() => kept.listTree(ref, snapshot, folder)));
for (const file of files)
  keptTimes.preview.push(
    await timed(() => kept.readFile(ref, snapshot, file, { offset: 0, length: previewBytes })),
  );
await kept.close();

// The same through a one-shot engine, a few of each (each costs a key derivation).
const oneShot = createEngine();
const few = Math.min(3, samples);
const oneShotTimes = { listSnapshots: [], listFolder: [], preview: [] };
for (let i = 0; i < few; i++) {
  oneShotTimes.listSnapshots.push(await timed(() => oneShot.listSnapshots(ref)));
  oneShotTimes.listFolder.push(await timed(() => oneShot.listTree(ref, snapshot, folders[i])));
  oneShotTimes.preview.push(
    await timed(() =>
      oneShot.readFile(ref, snapshot, files[i * 5] ?? files[i], {
        offset: 0,
        length: previewBytes,
      }),
    ),
  );
}

const rows = [
  ['listSnapshots', 'list snapshots'],
  ['listFolder', 'list a folder'],
  ['preview', 'preview a file (64 KiB)'],
];
const fmt = (ms) => (ms == null ? '—' : ms.toFixed(1).padStart(8));
console.log(
  `\nopen repository (ms; ${samples} requests each, ${data.files} files; goal: each under 100 ms)`,
);
console.log(`  connect (derives the key)          ${fmt(results.open.connectMs)}`);
console.log(`  first folder (reads the index)     ${fmt(results.open.firstFolderMs)}`);
console.log(`  ${'request'.padEnd(26)} ${'median'.padStart(8)} ${'max'.padStart(8)}  one-shot`);
for (const [key, label] of rows) {
  results.kept[key] = {
    medianMs: median(keptTimes[key]),
    maxMs: Math.max(...keptTimes[key]),
    samplesMs: keptTimes[key],
  };
  results.oneShot[key] = { medianMs: median(oneShotTimes[key]), samplesMs: oneShotTimes[key] };
  console.log(
    `  ${label.padEnd(26)} ${fmt(results.kept[key].medianMs)} ${fmt(results.kept[key].maxMs)}  ${fmt(results.oneShot[key].medianMs)}`,
  );
}
console.log('  (one-shot: open, derive the key, read the index and close per request, as the CLI)');

if (values.json) {
  const out = {
    date: new Date().toISOString(),
    load: os.loadavg()[0],
    data: { files: data.files, bytes: data.bytes, seed: data.seed, sizeMB: data.sizeMB },
    samples,
    ...results,
  };
  fs.writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
}
fs.rmSync(work, { recursive: true, force: true });
