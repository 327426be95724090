/**
 * Checks the text of an API source definition as the user types it: first as JSON (with the
 * line and column of a syntax error), then against the API source engine's own schema, so what
 * passes here is exactly what a backup accepts. The schema is passed in by whoever wires the
 * session, because the API source engine is a separate module.
 */
import type { ZodType, ZodTypeDef } from 'zod';
import type { ApiSourceValidation } from '../../shared/contract.js';

interface DefinitionShape {
  name: string;
  endpoints: { name: string }[];
}

export function validateApiSourceText(
  text: string,
  schema: ZodType<DefinitionShape, ZodTypeDef, unknown>,
): ApiSourceValidation {
  const failed = (name: string | null, problems: ApiSourceValidation['problems']) => ({
    available: true,
    ok: false,
    name,
    endpoints: [],
    problems,
  });
  if (text.trim() === '')
    return failed(null, [{ path: '', message: 'Paste or load a definition.' }]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return failed(null, [{ path: '', message: jsonErrorInWords(text, err as Error) }]);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const name = (json as { name?: unknown } | null)?.name;
    return failed(
      typeof name === 'string' ? name : null,
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return {
    available: true,
    ok: true,
    name: result.data.name,
    endpoints: result.data.endpoints.map((endpoint) => endpoint.name),
    problems: [],
  };
}

/** "Unexpected token } in JSON at position 42" → "Not valid JSON at line 3, column 5: …". */
function jsonErrorInWords(text: string, err: Error): string {
  const position = /position (\d+)/.exec(err.message)?.[1];
  if (position === undefined) return `Not valid JSON: ${err.message}`;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `Not valid JSON at line ${line}, column ${column}: ${err.message.replace(/ in JSON at position \d+.*$/, '')}`;
}
