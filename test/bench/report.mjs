// Turns raw samples into medians, Cairn/other ratios, a text table and the JSON document.
// Medians, not means: one run disturbed by the machine should not move the result.
// Ratios are Cairn's value divided by the other tool's, so below 1.00 means Cairn is faster
// (or smaller) — the goal (README.md of this folder) is every time and the repository size below 1.00
// against restic.

/** Rows of the table, in order: [key in the samples, label]. */
export const ROWS = [
  ['backup', 'initial backup (s)'],
  ['rebackup', 'unchanged re-backup (s)'],
  ['restore', 'restore (s)'],
  ['check', 'check --read-data (s)'],
  ['repoMB', 'repository size (MB, du)'],
  ['backupCpu', 'CPU user+sys backup (s)'],
  ['rebackupCpu', 'CPU user+sys re-backup (s)'],
  ['restoreCpu', 'CPU user+sys restore (s)'],
  ['checkCpu', 'CPU user+sys check (s)'],
  ['backupRssMB', 'peak RSS backup (MB)'],
  ['rebackupRssMB', 'peak RSS re-backup (MB)'],
  ['restoreRssMB', 'peak RSS restore (MB)'],
  ['checkRssMB', 'peak RSS check (MB)'],
];

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * @param {Record<string, Record<string, number[]>>} samples tool -> row key -> values
 * @param {string[]} tools tools in column order
 */
export function summarize(samples, tools) {
  const medians = {};
  const ratios = {};
  for (const [key] of ROWS) {
    medians[key] = {};
    for (const tool of tools) medians[key][tool] = median(samples[tool]?.[key] ?? []);
    const cairn = medians[key].cairn;
    ratios[key] = {};
    for (const other of tools.filter((t) => t !== 'cairn')) {
      const v = medians[key][other];
      ratios[key][`cairn/${other}`] = cairn != null && v ? cairn / v : null;
    }
  }
  return { medians, ratios };
}

/** A fixed-width text table; "—" marks a value that was not measured (tool skipped or failed). */
export function formatTable({ medians, ratios }, tools) {
  const ratioCols = tools.includes('cairn') ? tools.filter((t) => t !== 'cairn') : [];
  const header = ['operation', ...tools, ...ratioCols.map((t) => `cairn/${t}`)];
  const lines = ROWS.map(([key, label]) => [
    label,
    ...tools.map((t) => fmt(medians[key][t], key.endsWith('MB') ? 0 : 2)),
    ...ratioCols.map((t) => fmt(ratios[key][`cairn/${t}`], 2)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [row(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}

function fmt(v, digits) {
  return v == null ? '—' : v.toFixed(digits);
}

/**
 * The diff bench's table (diff-bench.mjs): per case, what one snapshot holds, the repository,
 * the change, the diff's time and memory, and the bytes it read, also as a share of the
 * repository — small when the diff reads only what differs.
 */
export function formatDiffTable(rows) {
  const header = [
    'case',
    'snapshot (MB)',
    'repository (MB)',
    'changes',
    'time (s)',
    'CPU (s)',
    'peak RSS (MB)',
    'read (MB)',
    'read / repository',
  ];
  const lines = rows.map((r) => [
    r.case,
    fmt(r.snapshot_mb, 1),
    fmt(r.repository_mb, 1),
    r.changes,
    fmt(r.seconds, 2),
    fmt(r.cpu_s, 2),
    fmt(r.peak_rss_mb, 0),
    fmt(r.read_mb, 2),
    r.read_of_repository == null ? '—' : `${(r.read_of_repository * 100).toFixed(1)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) =>
    cells
      .map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [row(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}
