/**
 * A definition's text as JSON. Numbers in an endpoint's `body` are sent to the API as written,
 * so they are read exactly (an account id like 9007199254740993, a price of `1.50`), as records
 * are (parse-json.ts); every other number (limits, sizes) is a setting, read as a plain number
 * the schema checks.
 */
import { JsonNumber } from './json-number.js';
import { parseJson } from './parse-json.js';

export function parseDefinitionJson(text: string): unknown {
  // JSON.parse first: its error names the position of a syntax error.
  const plain: unknown = JSON.parse(text);
  if (!hasEndpoints(plain)) return plain;
  const exact = parseJson(text) as { endpoints: unknown[] };
  plain.endpoints.forEach((endpoint, i) => {
    const body = (exact.endpoints[i] as { body?: unknown } | null)?.body;
    if (body !== undefined && isObject(endpoint)) endpoint.body = body;
  });
  return plain;
}

/** JSON.stringify with indentation, writing exact numbers as the numbers they are. */
export function prettyDefinitionJson(value: unknown): string {
  const numbers: string[] = [];
  const text = JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, shown: unknown) {
      // `shown` is already what toJSON gave; the holder still has the JsonNumber itself.
      const original = this[key];
      return original instanceof JsonNumber
        ? `\u0000number ${numbers.push(original.text) - 1}`
        : shown;
    },
    2,
  );
  return text.replace(/"\\u0000number (\d+)"/g, (_, i: string) => numbers[Number(i)]!);
}

function hasEndpoints(value: unknown): value is { endpoints: unknown[] } {
  return isObject(value) && Array.isArray(value.endpoints);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
