/**
 * Reads and validates a source definition: the schema (unknown fields are named), then the rules
 * a schema cannot express — unique endpoint names, child endpoints whose parent exists, no
 * cycles, restore entries for known endpoints.
 */
import { promises as fs } from 'node:fs';
import type { ZodIssue } from 'zod';
import { CairnError, errorMessage } from '../../errors.js';
import { parseChildPathTemplate } from './child-path-template.js';
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
    json = JSON.parse(text);
  } catch (err) {
    throw new CairnError(
      'invalid-argument',
      `source definition ${file} is not valid JSON: ${errorMessage(err)}`,
    );
  }
  return parseSourceDefinition(json, file);
}

export function parseSourceDefinition(
  json: unknown,
  origin = 'source definition',
): SourceDefinition {
  const schema = (json as { $schema?: unknown } | null)?.$schema;
  if (typeof schema === 'string' && schema !== SOURCE_DEFINITION_SCHEMA_V1) {
    throw new CairnError(
      'invalid-argument',
      `${origin}: format ${JSON.stringify(schema)} is not supported by this version of Cairn (it reads ${SOURCE_DEFINITION_SCHEMA_V1})`,
    );
  }
  const parsed = sourceDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(describeIssue);
    throw new CairnError('invalid-argument', `${origin}: ${problems.join('; ')}`);
  }
  const definition = parsed.data;
  const problems = semanticProblems(definition);
  if (problems.length > 0) {
    throw new CairnError('invalid-argument', `${origin}: ${problems.join('; ')}`);
  }
  return definition;
}

function describeIssue(issue: ZodIssue): string {
  const at = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => `unknown field ${JSON.stringify(at ? `${at}.${key}` : key)}`)
      .join('; ');
  }
  if (issue.code === 'invalid_union_discriminator') {
    return `${at || 'value'}: "type" must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
  }
  return `${at || 'definition'}: ${issue.message}`;
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function semanticProblems(definition: SourceDefinition): string[] {
  const problems: string[] = [];
  const names = definition.endpoints.map((e) => e.name);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) problems.push(`endpoint name ${JSON.stringify(name)} is used twice`);
    seen.add(name);
  }
  const parentOf = new Map<string, string>();
  definition.endpoints.forEach((endpoint, i) => {
    try {
      const template = parseChildPathTemplate(endpoint.path, names);
      if (template) {
        if (template.parent === endpoint.name) {
          problems.push(`endpoints[${i}].path: an endpoint cannot be its own parent`);
        } else parentOf.set(endpoint.name, template.parent);
      }
    } catch (err) {
      problems.push(`endpoints[${i}].path: ${errorMessage(err)}`);
    }
    if (endpoint.body !== undefined && endpoint.method !== 'POST') {
      problems.push(`endpoints[${i}].body: only a POST endpoint has a body`);
    }
    const p = endpoint.pagination;
    if ('in' in p && p.in === 'body' && endpoint.method !== 'POST') {
      problems.push(`endpoints[${i}].pagination.in: "body" needs "method": "POST"`);
    }
    if (
      (p.type === 'page' || p.type === 'cursor') &&
      (p.sizeParam === undefined) !== (p.size === undefined)
    ) {
      problems.push(`endpoints[${i}].pagination: "sizeParam" and "size" go together`);
    }
    if (
      p.type === 'cursor' &&
      (p.nextCursor === undefined) === (p.nextCursorHeader === undefined)
    ) {
      problems.push(
        `endpoints[${i}].pagination: cursor pagination needs exactly one of "nextCursor" or "nextCursorHeader"`,
      );
    }
    if (p.type === 'offset' && (p.limitParam === undefined) !== (p.limit === undefined)) {
      problems.push(`endpoints[${i}].pagination: "limitParam" and "limit" go together`);
    }
  });
  for (const start of parentOf.keys()) {
    const chain = new Set<string>([start]);
    let current = parentOf.get(start);
    while (current !== undefined) {
      if (chain.has(current)) {
        problems.push(`endpoint ${JSON.stringify(start)}: parent endpoints form a cycle`);
        break;
      }
      chain.add(current);
      current = parentOf.get(current);
    }
  }
  for (const key of Object.keys(definition.restore ?? {})) {
    if (!seen.has(key))
      problems.push(`restore.${key}: no endpoint is named ${JSON.stringify(key)}`);
  }
  return problems;
}
