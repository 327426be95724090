/**
 * Reads and validates a source definition: the schema (unknown fields are named), then the rules
 * a schema cannot express — unique endpoint names, child endpoints whose parent exists, no
 * cycles, restore entries for known endpoints.
 */
import { promises as fs } from 'node:fs';
import type { ZodIssue } from 'zod';
import { CairnError, errorMessage } from '../../errors.js';
import { parseChildPathTemplate } from './child-path-template.js';
import { parseDefinitionJson } from './definition-json.js';
import {
  SOURCE_DEFINITION_SCHEMA_V1,
  sourceDefinitionSchema,
  type SourceDefinition,
} from './source-definition.js';

export async function loadSourceDefinition(file: string): Promise<SourceDefinition> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new CairnError(
      'invalid-argument',
      `cannot read source definition ${file}: ${errorMessage(err)}`,
    );
  }
  let json: unknown;
  try {
    json = parseDefinitionJson(text);
  } catch (err) {
    throw new CairnError(
      'invalid-argument',
      `source definition ${file} is not valid JSON: ${errorMessage(err)}`,
    );
  }
  return parseSourceDefinition(json, file);
}

/** One thing wrong with a definition: where (a field path, '' for the whole) and what. */
export interface DefinitionProblem {
  path: string;
  message: string;
}

export type SourceDefinitionCheck =
  | { ok: true; definition: SourceDefinition }
  | { ok: false; name: string | null; problems: DefinitionProblem[] };

/** A problem in words as messages show it: the path, then what is wrong there. */
export function describeProblem(problem: DefinitionProblem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

/** Throws one message naming `origin` and every problem; what `checkSourceDefinition` finds. */
export function parseSourceDefinition(
  json: unknown,
  origin = 'source definition',
): SourceDefinition {
  const check = checkSourceDefinition(json);
  if (check.ok) return check.definition;
  throw new CairnError(
    'invalid-argument',
    `${origin}: ${check.problems.map(describeProblem).join('; ')}`,
  );
}

/**
 * Every rule a definition must meet, in one place: the app's live validation, `cairn api test`
 * and backup all come here, so what one accepts the others accept.
 */
export function checkSourceDefinition(input: unknown): SourceDefinitionCheck {
  // A definition is an object; a string is its text (the app's editor), read as files are.
  const json = typeof input === 'string' ? parseDefinitionJson(input) : input;
  const named = (json as { name?: unknown } | null)?.name;
  const name = typeof named === 'string' ? named : null;
  const schema = (json as { $schema?: unknown } | null)?.$schema;
  if (typeof schema === 'string' && schema !== SOURCE_DEFINITION_SCHEMA_V1) {
    const message = `format ${JSON.stringify(schema)} is not supported by this version of Cairn (it reads ${SOURCE_DEFINITION_SCHEMA_V1})`;
    return { ok: false, name, problems: [{ path: '', message }] };
  }
  const parsed = sourceDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, name, problems: parsed.error.issues.flatMap(describeIssue) };
  }
  const definition = parsed.data;
  const problems = semanticProblems(definition);
  return problems.length > 0 ? { ok: false, name, problems } : { ok: true, definition };
}

function describeIssue(issue: ZodIssue): DefinitionProblem[] {
  const at = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: '',
      message: `unknown field ${JSON.stringify(at ? `${at}.${key}` : key)}`,
    }));
  }
  if (issue.code === 'invalid_union_discriminator') {
    const options = issue.options.map((o) => JSON.stringify(o)).join(', ');
    return [{ path: at || 'value', message: `"type" must be one of ${options}` }];
  }
  return [{ path: at || 'definition', message: issue.message }];
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function semanticProblems(definition: SourceDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const at = (path: string, message: string) => problems.push({ path, message });
  const names = definition.endpoints.map((e) => e.name);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) at('', `endpoint name ${JSON.stringify(name)} is used twice`);
    seen.add(name);
  }
  const parentOf = new Map<string, string>();
  definition.endpoints.forEach((endpoint, i) => {
    try {
      const template = parseChildPathTemplate(endpoint.path, names);
      if (template) {
        if (template.parent === endpoint.name) {
          at(`endpoints[${i}].path`, 'an endpoint cannot be its own parent');
        } else parentOf.set(endpoint.name, template.parent);
      }
    } catch (err) {
      at(`endpoints[${i}].path`, errorMessage(err));
    }
    if (endpoint.body !== undefined && endpoint.method !== 'POST') {
      at(`endpoints[${i}].body`, 'only a POST endpoint has a body');
    }
    const p = endpoint.pagination;
    if ('in' in p && p.in === 'body' && endpoint.method !== 'POST') {
      at(`endpoints[${i}].pagination.in`, '"body" needs "method": "POST"');
    }
    if (
      (p.type === 'page' || p.type === 'cursor') &&
      (p.sizeParam === undefined) !== (p.size === undefined)
    ) {
      at(`endpoints[${i}].pagination`, '"sizeParam" and "size" go together');
    }
    if (
      p.type === 'cursor' &&
      (p.nextCursor === undefined) === (p.nextCursorHeader === undefined)
    ) {
      at(
        `endpoints[${i}].pagination`,
        'cursor pagination needs exactly one of "nextCursor" or "nextCursorHeader"',
      );
    }
    if (p.type === 'offset' && (p.limitParam === undefined) !== (p.limit === undefined)) {
      at(`endpoints[${i}].pagination`, '"limitParam" and "limit" go together');
    }
  });
  for (const start of parentOf.keys()) {
    const chain = new Set<string>([start]);
    let current = parentOf.get(start);
    while (current !== undefined) {
      if (chain.has(current)) {
        at('', `endpoint ${JSON.stringify(start)}: parent endpoints form a cycle`);
        break;
      }
      chain.add(current);
      current = parentOf.get(current);
    }
  }
  for (const key of Object.keys(definition.restore ?? {})) {
    if (!seen.has(key)) at(`restore.${key}`, `no endpoint is named ${JSON.stringify(key)}`);
  }
  return problems;
}
