/**
 * File names are bytes; JSON and JavaScript strings are text. A name that is not valid UTF-8
 * (a Latin-1 `caf\xe9.txt` from an old zip, say) is stored in a tree node twice:
 *
 * - `name`: a readable form, used to show, list, pick (`ls`, `--include`) and sort — the valid
 *   UTF-8 parts as they are, every other byte as `\xHH` (lowercase hex), a backslash as `\\`.
 *   It decodes back to the bytes. If it equals another name in the same folder (a file really
 *   named `caf\xe9.txt`), characters from its end are written as `\xHH` too, one more at a
 *   time, until it is unique: it still decodes to the same bytes.
 * - `name_raw`: the exact bytes, base64; what a restore creates.
 *
 * A symlink's target likewise: `link_target` readable, `link_target_raw` exact. Valid UTF-8 is
 * stored as it is, without the raw field, so trees written before the field existed read
 * unchanged, and a reader that does not know it still shows a sensible name.
 *
 * In memory, a path that holds such a name is a string in which each byte that is not part of
 * valid UTF-8 is the lone surrogate U+DC80 + (byte − 0x80) (Python's "surrogateescape"): valid
 * text never contains one, so the string stands for exactly one byte sequence. Node turns a
 * string path into UTF-8 (a lone surrogate into U+FFFD), so every fs call on such a path goes
 * through fsPath(), which gives the bytes.
 */
import { isUtf8 } from 'node:buffer';

const SURROGATE_BASE = 0xdc00;
/** A surrogate that is not half of a pair: a stray byte in an in-memory path. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether an in-memory name or path holds bytes that are not UTF-8. */
export function hasStrayBytes(local: string): boolean {
  return LONE_SURROGATE.test(local);
}

/** Length of the valid UTF-8 sequence at `i` (Unicode table 3-7), or 0 if there is none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const v = b[i + k];
    return v !== undefined && v >= lo && v <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Splits bytes into characters (valid sequences) and stray bytes, in order. */
function* pieces(bytes: Uint8Array): Generator<{ text: string } | { byte: number }> {
  for (let i = 0; i < bytes.length;) {
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      yield { byte: bytes[i]! };
      i += 1;
    } else {
      yield { text: Buffer.from(bytes.subarray(i, i + n)).toString('utf8') };
      i += n;
    }
  }
}

const hex = (byte: number): string => `\\x${byte.toString(16).padStart(2, '0')}`;

/**
 * The readable form of a name that is not valid UTF-8; `hexFromEnd` more characters at its end
 * written as `\xHH` (to tell it apart from a real name that reads the same).
 */
export function escapeName(bytes: Uint8Array, hexFromEnd = 0): string {
  const parts = [...pieces(bytes)];
  return parts
    .map((p, i) => {
      if ('byte' in p) return hex(p.byte);
      if (i >= parts.length - hexFromEnd) return [...Buffer.from(p.text, 'utf8')].map(hex).join('');
      return p.text === '\\' ? '\\\\' : p.text;
    })
    .join('');
}

/** How many characters escapeName can write as `\xHH` (beyond that it cannot vary). */
export function nameLength(bytes: Uint8Array): number {
  return [...pieces(bytes)].length;
}

/** The bytes a readable form stands for (the inverse of escapeName). */
export function unescapeName(text: string): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < text.length;) {
    const m = /^\\(?:x([0-9a-f]{2})|(\\))/.exec(text.slice(i, i + 4));
    if (m) {
      out.push(m[1] ? Buffer.from([parseInt(m[1], 16)]) : Buffer.from('\\'));
      i += m[0].length;
    } else {
      const cp = text.codePointAt(i)!;
      out.push(Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return Buffer.concat(out);
}

/** Bytes as an in-memory name or path (see above): the text itself when it is valid UTF-8. */
export function bytesToLocal(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes).toString('utf8');
  let out = '';
  for (const p of pieces(bytes))
    out += 'text' in p ? p.text : String.fromCharCode(SURROGATE_BASE + p.byte);
  return out;
}

/** The bytes an in-memory name or path stands for. */
export function localToBytes(local: string): Buffer {
  if (!hasStrayBytes(local)) return Buffer.from(local, 'utf8');
  const out: Buffer[] = [];
  let run = '';
  for (let i = 0; i < local.length; i++) {
    const unit = local.charCodeAt(i);
    const high = i > 0 ? local.charCodeAt(i - 1) : 0;
    const paired = high >= 0xd800 && high <= 0xdbff;
    if (unit >= 0xdc80 && unit <= 0xdcff && !paired) {
      out.push(Buffer.from(run, 'utf8'), Buffer.from([unit - SURROGATE_BASE]));
      run = '';
    } else {
      run += local[i];
    }
  }
  out.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(out);
}

/** What an fs call needs for an in-memory path: the string, or its exact bytes. */
export function fsPath(local: string): string | Buffer {
  return hasStrayBytes(local) ? localToBytes(local) : local;
}

/** An in-memory path as people read it: bytes that are not UTF-8 as `\xHH`. */
export function shownPath(local: string): string {
  return hasStrayBytes(local) ? escapeName(localToBytes(local)) : local;
}

/** The stored fields for a name read from disk as bytes (see above). */
export function storedName(bytes: Uint8Array): { text: string; raw?: string } {
  if (isUtf8(bytes)) return { text: Buffer.from(bytes).toString('utf8') };
  return { text: escapeName(bytes), raw: Buffer.from(bytes).toString('base64') };
}
