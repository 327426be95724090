/**
 * Counts what a backup will read (files and bytes, with the same exclusions), alongside the
 * backup itself, so progress can show totals and an ETA. Only runs when someone watches.
 */
import type { BigIntStats } from 'node:fs';
import type { IgnoreRules } from './ignore-rules.js';
import { readDirEntries } from './dir-reader.js';

export interface ScanTotals {
  files: number;
  bytes: number;
}

export async function scan(
  roots: { abs: string; st: BigIntStats; rules: IgnoreRules }[],
  signal?: AbortSignal,
): Promise<ScanTotals> {
  const totals: ScanTotals = { files: 0, bytes: 0 };
  const ignoreWarning = (): void => undefined;
  const walk = async (dir: string, rules: IgnoreRules): Promise<void> => {
    if (signal?.aborted) return;
    const listing = await readDirEntries(dir, rules, ignoreWarning);
    if (!listing) return;
    for (const e of listing.entries) {
      if (e.st.isDirectory()) await walk(e.abs, listing.rules);
      else if (e.st.isFile()) {
        totals.files++;
        totals.bytes += Number(e.st.size);
      }
    }
  };
  for (const r of roots) {
    if (r.st.isDirectory()) await walk(r.abs, r.rules);
    else if (r.st.isFile()) {
      totals.files++;
      totals.bytes += Number(r.st.size);
    }
  }
  return totals;
}
