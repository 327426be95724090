/** Printing helpers: sizes, tables, JSON and the terminal progress line. */
import type { JobProgress } from '../../shared/domain.js';
import type { RepositoryWarning } from '../engine/service-types.js';

/** One unit system for the app and the CLI (decimal: see shared/format.ts). */
import { formatBytes } from '../../shared/format.js';

export { formatBytes };

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/**
 * A progress line on stderr, only on a terminal and never with --json. With
 * CAIRN_PROGRESS=json every progress event goes to stderr as one JSON line instead, for
 * programs that drive the CLI. CAIRN_PROGRESS=json-step also freezes the whole process
 * (SIGSTOP) after each event until it gets SIGCONT: the crash and cancel tests act at the exact
 * point an event describes, however busy the machine running them is.
 */
export function progressPrinter(json: boolean): ((p: JobProgress) => void) | undefined {
  const mode = process.env.CAIRN_PROGRESS;
  if (mode === 'json' || mode === 'json-step') {
    return (p) => {
      // Synchronous on a pipe or file, so the line is out before the process stops.
      process.stderr.write(JSON.stringify({ type: 'progress', ...p }) + '\n');
      if (mode === 'json-step') process.kill(process.pid, 'SIGSTOP');
    };
  }
  if (json || !process.stderr.isTTY) return undefined;
  return (p) => {
    const parts = [
      `${p.files_done}${p.files_total !== null ? '/' + p.files_total : ''} files`,
      `${formatBytes(p.bytes_done)}${p.bytes_total !== null ? ' / ' + formatBytes(p.bytes_total) : ''}`,
      `${formatBytes(p.rate)}/s`,
    ];
    if (p.eta_s !== null) parts.push(`ETA ${formatDuration(p.eta_s)}`);
    const line = `${p.phase}: ${parts.join(', ')}`;
    process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 80) - 1)}`);
  };
}

export function clearProgress(json: boolean): void {
  if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

export function formatDuration(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface CliWarnings {
  onWarning: (warning: RepositoryWarning) => void;
  /** What the user should know that is no damage (reading a read-only repository unlocked). */
  onNotice: (message: string) => void;
  /** Every warning so far, for a --json document's `repository_warnings`. */
  warnings: RepositoryWarning[];
}

/**
 * Damage the engine worked around (a snapshot file skipped, an index file replaced by pack
 * headers): one `warning:` line on stderr each, as it is found, with --json too (its document
 * also lists them).
 */
export function warningPrinter(): CliWarnings {
  const warnings: RepositoryWarning[] = [];
  return {
    warnings,
    onWarning: (w) => {
      warnings.push(w);
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      process.stderr.write(`warning: ${w.message}\n`);
    },
    onNotice: (message) => process.stderr.write(`cairn: ${message}\n`),
  };
}
