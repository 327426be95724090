/**
 * Checks the text of an API source definition as the user types it: first as JSON (with the
 * line and column of a syntax error), then with the engine's own check — the very one
 * `cairn api test` and backup run — so what passes here is exactly what a backup accepts.
 */
import type { ApiSourceValidation } from '../../shared/contract.js';
import type { EngineService } from '../engine/service-types.js';

export async function validateApiSourceText(
  text: string,
  engine: Pick<EngineService, 'checkApiSourceDefinition'>,
): Promise<ApiSourceValidation> {
  const failed = (name: string | null, problems: ApiSourceValidation['problems']) => ({
    available: true,
    ok: false,
    name,
    endpoints: [],
    problems,
  });
  if (text.trim() === '')
    return failed(null, [{ path: '', message: 'Paste or load a definition.' }]);
  try {
    JSON.parse(text);
  } catch (err) {
    return failed(null, [{ path: '', message: jsonErrorInWords(text, err as Error) }]);
  }
  // The text itself: the engine reads it as it reads a definition file.
  const check = await engine.checkApiSourceDefinition(text);
  if (!check.ok) return failed(check.name, check.problems);
  return {
    available: true,
    ok: true,
    name: check.definition.name,
    endpoints: check.definition.endpoints.map((endpoint) => endpoint.name),
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
