/**
 * Numbers as an API wrote them. A JavaScript number holds about 15–17 significant digits, so
 * `JSON.parse` silently changes an id like 9007199254740993 (it becomes …992), a long decimal,
 * or an integer past 2^64; it also rewrites `1.50` as `1.5`, `1e2` as `100` and `-0` as `0`.
 * A backup must not change data, so every number whose text a JavaScript number would not give
 * back unchanged is kept as a JsonNumber holding that exact text; all other numbers stay plain
 * numbers (their text is exactly what JavaScript writes, so nothing is lost either way).
 *
 * Ids and bookmarks compare numerically across both kinds, exactly, by their decimal text.
 */

export class JsonNumber {
  private normal: DecimalForm | undefined;

  /** `text` must be a JSON number token (the parser sees to that). */
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }

  /**
   * Where such a number ends up in plain JSON (fetch metadata, a snapshot's bookmark), it is
   * tagged rather than rounded; canonicalJson writes it as the number it is.
   */
  toJSON(): { $number: string } {
    return { $number: this.text };
  }

  /** The value's decimal form, computed once (sorting compares it many times). */
  get decimal(): DecimalForm {
    this.normal ??= decimalForm(this.text);
    return this.normal;
  }
}

export type NumericValue = number | JsonNumber;

export function isNumeric(value: unknown): value is NumericValue {
  return typeof value === 'number' || value instanceof JsonNumber;
}

/** Whether JSON.parse, then JavaScript writing the number, gives back this very text. */
export function isPlainNumberText(text: string): boolean {
  return String(Number(text)) === text;
}

/** A number token's value: a plain number where that is lossless, else a JsonNumber. */
export function numberFromText(text: string): NumericValue {
  const value = Number(text);
  return String(value) === text ? value : new JsonNumber(text);
}

/** Reads back the tagged form JsonNumber.toJSON writes (`{"$number": "…"}`); else undefined. */
export function fromTaggedNumber(value: unknown): JsonNumber | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const text = (value as { $number?: unknown }).$number;
  if (typeof text !== 'string' || !NUMBER_TOKEN.test(text)) return undefined;
  return new JsonNumber(text);
}

const NUMBER_TOKEN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Exact numeric order of two numbers, whatever their kind (-0 equals 0). */
export function compareNumbers(a: NumericValue, b: NumericValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return compareDecimal(formOf(a), formOf(b));
}

/**
 * A number as sign × 0.DIGITS × 10^exponent with no leading or trailing zeros in DIGITS; zero
 * has no digits. Two equal values have equal forms, whatever text they were written in.
 */
export interface DecimalForm {
  negative: boolean;
  digits: string;
  exponent: number;
}

function formOf(value: NumericValue): DecimalForm {
  // A plain number's own text is what the API sent (or what JavaScript writes for it).
  return typeof value === 'number' ? decimalForm(String(value)) : value.decimal;
}

function decimalForm(text: string): DecimalForm {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new Error(`not a number: ${text}`);
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match;
  const all = whole + fraction;
  const first = all.search(/[1-9]/);
  if (first === -1) return { negative: false, digits: '', exponent: 0 };
  let last = all.length;
  while (all.charCodeAt(last - 1) === 48) last--; // trailing '0's
  // Exponents beyond what fits are clamped: no API sends 10^(2^53), and order stays right.
  const exponent = clamp(Number(exp) + whole.length - first);
  return { negative: sign === '-', digits: all.slice(first, last), exponent };
}

function clamp(n: number): number {
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
}

function compareDecimal(a: DecimalForm, b: DecimalForm): number {
  const signA = a.digits === '' ? 0 : a.negative ? -1 : 1;
  const signB = b.digits === '' ? 0 : b.negative ? -1 : 1;
  if (signA !== signB) return signA < signB ? -1 : 1;
  if (signA === 0) return 0;
  let magnitude: number;
  if (a.exponent !== b.exponent) magnitude = a.exponent < b.exponent ? -1 : 1;
  else magnitude = a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0; // same length prefix order
  return signA * magnitude;
}
