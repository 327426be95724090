/**
 * JSON parsing that keeps every number exactly as written (see JsonNumber). Responses, stored
 * records and sort keys all go through here.
 *
 * Nearly every document holds only numbers that JavaScript keeps as they are, and for those the
 * native JSON.parse is several times faster than any parser written in JavaScript. So a quick
 * scan first looks for number tokens that JavaScript would change (more than 15 digits, an
 * exponent, a fraction ending in 0, -0, a tiny decimal) in value position — after `[`, `:` or
 * `,` and followed by `,`, `]` or `}`; only a document with one (or with text inside a string
 * that looks like one) is parsed by the parser below, which builds the same values but keeps
 * such numbers as JsonNumber.
 */
import { numberFromText } from './json-number.js';

/** Deeper than this is refused with a message, never a stack overflow: no API nests so deep. */
export const MAX_JSON_DEPTH = 1000;

export class JsonDepthError extends Error {
  constructor() {
    super(`nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

export function parseJson(text: string): unknown {
  return needsExactNumbers(text) ? new LosslessParser(text).document() : JSON.parse(text);
}

/** A number token that JavaScript might change, in value position (lookahead only). */
const SUSPECT = /[[:,]\s*(?=-0(?![\d.eE])|-?(?:\d[\d.]{15}|[\d.]+[eE]|\d+\.\d*0(?!\d)|0\.0{6}))/g;
const TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?(?=\s*(?:[,\]}]|$))/y;
// JSON strings hold no raw control characters (U+0000–U+001F).
// eslint-disable-next-line no-control-regex
const ESCAPED_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function needsExactNumbers(text: string): boolean {
  let start = 0;
  while (isSpace(text.charCodeAt(start))) start++;
  const first = text.charCodeAt(start);
  // A document that is a bare number (or string, or literal) is short: parse it exactly.
  if (first !== 0x7b && first !== 0x5b) return start < text.length;
  SUSPECT.lastIndex = 0;
  while (SUSPECT.exec(text) !== null) {
    TOKEN.lastIndex = SUSPECT.lastIndex;
    const token = TOKEN.exec(text);
    if (token !== null && String(Number(token[0])) !== token[0]) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

class LosslessParser {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    this.skipSpace();
    const value = this.value(0);
    this.skipSpace();
    if (this.at < this.text.length) this.unexpected();
    return value;
  }

  private value(depth: number): unknown {
    switch (this.text.charCodeAt(this.at)) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > MAX_JSON_DEPTH) throw new JsonDepthError();
    const out: Record<string, unknown> = {};
    this.at++;
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.at) !== 0x22) this.unexpected();
      const key = this.string();
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== 0x3a) this.unexpected();
      this.at++;
      this.skipSpace();
      const value = this.value(depth);
      // As JSON.parse does: an own property, not the prototype.
      if (key === '__proto__') {
        Object.defineProperty(out, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else out[key] = value;
      this.skipSpace();
      const c = this.text.charCodeAt(this.at);
      if (c === 0x7d) {
        this.at++;
        return out;
      }
      if (c !== 0x2c) this.unexpected();
      this.at++;
      this.skipSpace();
    }
  }

  private array(depth: number): unknown[] {
    if (depth > MAX_JSON_DEPTH) throw new JsonDepthError();
    const out: unknown[] = [];
    this.at++;
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      const c = this.text.charCodeAt(this.at);
      if (c === 0x5d) {
        this.at++;
        return out;
      }
      if (c !== 0x2c) this.unexpected();
      this.at++;
      this.skipSpace();
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.at + 1;
    // Most strings hold no escape: find the closing quote and take the slice.
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.at = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) break;
    }
    ESCAPED_STRING.lastIndex = this.at;
    const escaped = ESCAPED_STRING.exec(text);
    if (escaped === null) this.unexpected();
    this.at = ESCAPED_STRING.lastIndex;
    return JSON.parse(escaped![0]) as string;
  }

  /**
   * A number token. Most are settled without converting the number back to text (which costs
   * more than parsing it): an integer of at most 15 digits, or a decimal of at most 15
   * significant digits, no trailing 0 and at most five 0s after "0.", is exactly what
   * JavaScript writes for its value (15 digits always survive a double, and no shorter text
   * does). Everything else goes through numberFromText.
   */
  private number(): unknown {
    const text = this.text;
    const start = this.at;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++; // -
    const first = i;
    while (isDigit(text.charCodeAt(i))) i++;
    const whole = i - first;
    if (whole === 0 || (whole > 1 && text.charCodeAt(first) === 0x30)) this.unexpected();
    const zero = whole === 1 && text.charCodeAt(first) === 0x30;
    let c = text.charCodeAt(i);
    let plain = whole <= 15;
    if (c !== 0x2e && zero && start !== first) plain = false; // -0 (JavaScript writes 0)
    if (c === 0x2e) {
      // .
      const point = ++i;
      while (text.charCodeAt(i) === 0x30) i++;
      const leadingZeros = i - point;
      while (isDigit(text.charCodeAt(i))) i++;
      const fraction = i - point;
      if (fraction === 0) this.unexpected();
      const significant = zero ? fraction - leadingZeros : whole + fraction;
      plain =
        plain &&
        significant <= 15 &&
        text.charCodeAt(i - 1) !== 0x30 &&
        !(zero && leadingZeros > 5);
      c = text.charCodeAt(i);
    }
    if (c === 0x65 || c === 0x45) {
      // e E: JavaScript writes exponents only for very large or small values; keep the text.
      plain = false;
      i++;
      c = text.charCodeAt(i);
      if (c === 0x2b || c === 0x2d) i++;
      const digits = i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === digits) this.unexpected();
    }
    this.at = i;
    const token = text.slice(start, i);
    return plain ? Number(token) : numberFromText(token);
  }

  private literal(word: string, value: boolean | null): boolean | null {
    if (!this.text.startsWith(word, this.at)) this.unexpected();
    this.at += word.length;
    return value;
  }

  private skipSpace(): void {
    while (isSpace(this.text.charCodeAt(this.at))) this.at++;
  }

  private unexpected(): never {
    if (this.at >= this.text.length) throw new SyntaxError('Unexpected end of JSON input');
    throw new SyntaxError(
      `Unexpected token ${JSON.stringify(this.text[this.at])} in JSON at position ${this.at}`,
    );
  }
}
