/**
 * Decides how the UI shows the first bytes of a file from a snapshot: API data (NDJSON) as
 * records, readable text as text, anything else as a hex dump. Done here, not in the UI, so
 * the wire carries only JSON in both transports.
 */
import type { FilePreview } from '../../shared/contract.js';
import { layoutJson } from '../../shared/json-layout.js';

export const previewBytes = 64 * 1024;
const maxRecords = 200;
const hexDumpBytes = 512;

export function buildPreview(path: string, size: number, head: Buffer): FilePreview {
  const truncated = size > head.length;
  if (size === 0) return { path, size, kind: 'empty', text: '', truncated: false };
  if (!looksLikeText(head)) {
    return { path, size, kind: 'binary', text: hexDump(head.subarray(0, hexDumpBytes)), truncated };
  }
  const text = decodeUtf8(head, truncated);
  if (path.endsWith('.ndjson')) {
    const records = parseRecords(text, truncated);
    if (records !== null) return { path, size, kind: 'records', text, records, truncated };
  }
  return { path, size, kind: 'text', text, truncated };
}

function looksLikeText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return false;
  let control = 0;
  for (const byte of sample) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  }
  if (control > sample.length / 100) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(trimPartialCharacter(sample));
    return true;
  } catch {
    return false;
  }
}

/** A cut at an arbitrary byte may split a UTF-8 sequence; drop the incomplete tail. */
function trimPartialCharacter(bytes: Buffer): Buffer {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (needed > back) end -= back;
    break;
  }
  return bytes.subarray(0, end);
}

function decodeUtf8(bytes: Buffer, truncated: boolean): string {
  return new TextDecoder('utf-8').decode(truncated ? trimPartialCharacter(bytes) : bytes);
}

function parseRecords(text: string, truncated: boolean): string[] | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (truncated) lines.pop(); // the last line may be cut off
  const records: string[] = [];
  for (const line of lines.slice(0, maxRecords)) {
    try {
      // Laid out from the text: a JSON.parse round trip would round ids beyond 2^53.
      records.push(layoutJson(line, 2));
    } catch {
      return null;
    }
  }
  return records;
}

function hexDump(bytes: Buffer): string {
  const rows: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
    rows.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii.join('')}`);
  }
  return rows.join('\n');
}
