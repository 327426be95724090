/**
 * `cairn diff` as text: one line per entry that differs, with a marker as restic's diff has —
 * `+` added, `-` removed, `M` content changed, `T` type changed, `U` only mode, mtime or owner
 * changed — then the records of each API endpoint that differ, then a summary.
 */
import { prettyJson } from '../engine/service.js';
import type {
  DiffResult,
  EndpointDiff,
  EntryChange,
  EntryState,
  FieldChange,
  RecordComparison,
  RecordRef,
} from '../engine/service-types.js';
import { formatBytes } from './output.js';

const MARKERS = { added: '+', removed: '-', modified: 'M', type: 'T', metadata: 'U' } as const;

export function printDiff(result: DiffResult): string {
  const lines = [heading(result)];
  if (result.records) {
    for (const record of result.records) lines.push(...recordLines(record));
  } else {
    for (const entry of result.entries) lines.push(entryLine(entry));
    for (const endpoint of result.endpoints) lines.push('', ...endpointLines(endpoint));
    lines.push('', ...summaryLines(result));
  }
  lines.push(`read ${formatBytes(result.bytes_read)} of the repository`);
  return lines.join('\n') + '\n';
}

function heading({ snapshot_a: a, snapshot_b: b }: DiffResult): string {
  const when = (time: string) => time.slice(0, 19).replace('T', ' ');
  return `comparing snapshot ${a.short_id} (${when(a.time)}) with ${b.short_id} (${when(b.time)})`;
}

function entryLine(entry: EntryChange): string {
  const state = (entry.after ?? entry.before)!;
  const shown = state.type === 'dir' && entry.change !== 'type' ? `${entry.path}/` : entry.path;
  const details = entryDetails(entry);
  return `${MARKERS[entry.change]}  ${shown}${details ? `  ${details}` : ''}`;
}

function entryDetails({ change, changed, before, after }: EntryChange): string {
  if (change === 'added' || change === 'removed') {
    const state = (after ?? before)!;
    if (state.type === 'file') return formatBytes(state.size);
    if (state.type === 'symlink') return `→ ${state.link_target ?? ''}`;
    return state.type === 'dir' ? '' : state.type;
  }
  const a = before!;
  const b = after!;
  if (change === 'type') return `${a.type} → ${b.type}`;
  const parts: string[] = [];
  if (changed.includes('content')) {
    parts.push(`${formatBytes(a.size)} → ${formatBytes(b.size)} (${signedBytes(b.size - a.size)})`);
  }
  if (changed.includes('link_target')) parts.push(`→ ${b.link_target} (was ${a.link_target})`);
  if (changed.includes('mode')) parts.push(`mode ${octal(a.mode)} → ${octal(b.mode)}`);
  // A new mtime goes without saying when the content changed.
  if (changed.includes('mtime') && change === 'metadata')
    parts.push(`mtime ${a.mtime} → ${b.mtime}`);
  if (changed.includes('owner')) parts.push(`owner ${owner(a)} → ${owner(b)}`);
  return parts.join(', ');
}

function endpointLines(endpoint: EndpointDiff): string[] {
  if (endpoint.error) return [`records of ${endpoint.path}: ${endpoint.error}`];
  const { added, removed, changed } = endpoint;
  return [
    `records of ${endpoint.path}: ${added.length} added, ${removed.length} removed, ${changed.length} changed`,
    ...added.map((r) => `+  ${recordName(r)}`),
    ...removed.map((r) => `-  ${recordName(r)}`),
    ...changed.map((r) => `M  ${recordName(r)}`),
  ];
}

function summaryLines({ summary: s, endpoints, entries }: DiffResult): string[] {
  if (entries.length === 0 && endpoints.length === 0) return ['no differences'];
  const counts = (pairs: Array<[number, string]>) =>
    pairs
      .filter(([n]) => n > 0)
      .map(([n, what]) => `${n} ${what}`)
      .join(', ');
  const lines: string[] = [];
  const files = counts([
    [s.files_added, 'added'],
    [s.files_removed, 'removed'],
    [s.files_modified, 'modified'],
    [s.type_changed, 'type changed'],
    [s.metadata_changed, 'metadata only'],
  ]);
  if (files) lines.push(`files: ${files}`);
  const dirs = counts([
    [s.dirs_added, 'added'],
    [s.dirs_removed, 'removed'],
  ]);
  if (dirs) lines.push(`folders: ${dirs}`);
  const data: string[] = [];
  if (s.files_added) data.push(`${formatBytes(s.bytes_added)} in added files`);
  if (s.files_removed) data.push(`${formatBytes(s.bytes_removed)} in removed files`);
  if (s.files_modified) data.push(`${signedBytes(s.bytes_modified_delta)} in modified files`);
  if (data.length) lines.push(`data: ${data.join(', ')}`);
  if (endpoints.length) {
    const records = counts([
      [s.records_added, 'added'],
      [s.records_removed, 'removed'],
      [s.records_changed, 'changed'],
    ]);
    lines.push(
      `records: ${records || 'none compared'} in ${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'}`,
    );
  }
  return lines;
}

function recordLines(record: RecordComparison): string[] {
  const name = `${record.source}/${record.endpoint}/${recordName(record)}`;
  const status = {
    added: 'added (only in the second snapshot)',
    removed: 'removed (only in the first snapshot)',
    changed: 'changed',
    unchanged: 'unchanged',
  }[record.status];
  return [`record ${name}: ${status}`, ...record.fields.map(fieldLine)];
}

function fieldLine(field: FieldChange): string {
  if (field.change === 'added') return `+  ${field.path}: ${value(field.after)}`;
  if (field.change === 'removed') return `-  ${field.path}: ${value(field.before)}`;
  return `M  ${field.path}: ${value(field.before)} → ${value(field.after)}`;
}

function recordName(ref: RecordRef): string {
  const id = typeof ref.id === 'string' ? ref.id : String(ref.id);
  return ref.parent === undefined ? id : `${id} (parent ${String(ref.parent)})`;
}

function value(v: unknown): string {
  return prettyJson(v, 0);
}

function signedBytes(n: number): string {
  return `${n < 0 ? '-' : '+'}${formatBytes(Math.abs(n))}`;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function owner(state: EntryState): string {
  return `${state.uid ?? '?'}:${state.gid ?? '?'}`;
}
