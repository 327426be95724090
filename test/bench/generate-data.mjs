// Builds the bench data set under .bench/data from a seed: the same seed and size always give
// the same bytes, so numbers from different days and machines compare. Three kinds of data,
// because each stresses a different part of a backup tool:
//   app-state/  thousands of small JSON files in nested folders   (per-file and metadata cost)
//   media/      several large PRNG files, incompressible           (raw chunk/hash/encrypt speed)
//   logs/       several large text logs, zstd ratio about 0.2-0.4  (compression speed and ratio)
// Generation takes a while, so a marker file records what was generated; a matching marker
// means the data is reused as-is. Run directly to (re)generate: node test/bench/generate-data.mjs

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from './prng.mjs';
import { jsonDocument } from './data-json.mjs';
import { logLineSource } from './data-logs.mjs';

// Bump when the generator's output changes, so stale data sets are regenerated.
const GENERATOR_VERSION = 1;
const MiB = 1024 * 1024;

export const BENCH_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../.bench');

/**
 * Makes sure the data set for (seed, sizeMB) exists and returns where it is.
 * @returns {{ dir: string, files: number, bytes: number, seed: number, sizeMB: number }}
 */
export function ensureData({ seed, sizeMB, root = BENCH_ROOT, log = console.log }) {
  const dir = path.join(root, 'data');
  // The marker sits outside data/ so it is never part of what the tools back up.
  const markerPath = path.join(root, 'data.marker.json');
  const wanted = { generatorVersion: GENERATOR_VERSION, seed, sizeMB };
  const marker = readJson(markerPath);
  if (
    marker &&
    marker.generatorVersion === wanted.generatorVersion &&
    marker.seed === seed &&
    marker.sizeMB === sizeMB &&
    fs.existsSync(dir)
  ) {
    log(`data: reusing ${dir} (seed ${seed}, ${sizeMB} MB, ${marker.files} files)`);
    return { dir, files: marker.files, bytes: marker.bytes, seed, sizeMB };
  }

  // Remove the marker first: an interrupted generation must not look complete next time.
  fs.rmSync(markerPath, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  log(`data: generating ${sizeMB} MB with seed ${seed} into ${dir} ...`);
  const started = Date.now();
  const totals = { files: 0, bytes: 0 };
  const budget = sizeMB * 1e6; // decimal MB, as the report prints them
  generateJson(dir, seed, budget * 0.07, totals);
  generateRandom(dir, seed, budget * 0.48, totals);
  generateLogs(dir, seed, budget * 0.45, totals);
  fs.writeFileSync(markerPath, JSON.stringify({ ...wanted, ...totals }, null, 2) + '\n');
  const mb = (totals.bytes / 1e6).toFixed(0);
  log(`data: ${totals.files} files, ${mb} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { dir, ...totals, seed, sizeMB };
}

function generateJson(dir, seed, budget, totals) {
  const rng = new Prng(seed, 1);
  // About 15 files per MB of the whole data set: "thousands" at the default 400 MB.
  const count = Math.max(100, Math.round((budget / 0.07 / 1e6) * 15));
  const perFile = budget / count;
  for (let i = 0; i < count; i++) {
    // Three folder levels, ~20 files per leaf, like an app's per-project/per-year storage.
    const leaf = Math.floor(i / 20);
    const folder = path.join(
      dir,
      'app-state',
      `tenant-${leaf % 8}`,
      `project-${Math.floor(leaf / 8) % 12}`,
      `${2019 + Math.floor(leaf / 96)}`,
    );
    if (i % 20 === 0) fs.mkdirSync(folder, { recursive: true });
    // Log-uniform sizes between ~1/16 and ~4x the mean: mostly small, a few larger files.
    const size = Math.round(
      perFile * Math.exp(Math.log(1 / 16) + rng.float() * Math.log(64)) * 0.95,
    );
    const text = jsonDocument(rng, size);
    fs.writeFileSync(path.join(folder, `record-${String(i).padStart(5, '0')}.json`), text);
    totals.files += 1;
    totals.bytes += Buffer.byteLength(text);
  }
}

function generateRandom(dir, seed, budget, totals) {
  const rng = new Prng(seed, 2);
  const folder = path.join(dir, 'media');
  fs.mkdirSync(folder, { recursive: true });
  const weights = [0.4, 0.3, 0.2, 0.1];
  const buf = Buffer.alloc(MiB);
  weights.forEach((w, i) => {
    // Odd sizes on purpose: real files do not end on chunk or block boundaries.
    const size = Math.round(budget * w) + rng.int(4096);
    const fd = fs.openSync(path.join(folder, `video-${i + 1}.bin`), 'w');
    for (let left = size; left > 0; left -= buf.length) {
      const part = Math.min(left, buf.length);
      rng.fill(buf);
      fs.writeSync(fd, buf, 0, part);
    }
    fs.closeSync(fd);
    totals.files += 1;
    totals.bytes += size;
  });
}

function generateLogs(dir, seed, budget, totals) {
  const rng = new Prng(seed, 3);
  const folder = path.join(dir, 'logs');
  fs.mkdirSync(folder, { recursive: true });
  const weights = [0.3, 0.25, 0.2, 0.15, 0.1];
  weights.forEach((w, i) => {
    const size = Math.round(budget * w);
    // Each file starts on its own day so files do not share long identical prefixes.
    const next = logLineSource(rng, Date.UTC(2026, 0, 1 + i * 7));
    const fd = fs.openSync(path.join(folder, `service-${i + 1}.log`), 'w');
    let written = 0;
    while (written < size) {
      // Build ~1 MiB of text per write: one write per line would dominate the run time.
      let text = '';
      while (text.length < MiB && written + text.length < size) text += next();
      const bytes = Buffer.from(text);
      fs.writeSync(fd, bytes);
      written += bytes.length;
    }
    fs.closeSync(fd);
    totals.files += 1;
    totals.bytes += written;
  });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizeMB = Number(process.env.BENCH_SIZE_MB ?? 400);
  const seed = Number(process.env.BENCH_SEED ?? 20261123);
  ensureData({ seed, sizeMB });
}
