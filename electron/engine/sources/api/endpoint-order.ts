/**
 * Which endpoints a run fetches, in what order: the requested ones (all by default) plus the
 * parents their paths refer to, each parent before its children, otherwise in definition order.
 */
import { CairnError } from '../../errors.js';
import { parseChildPathTemplate, type ChildPathTemplate } from './child-path-template.js';
import type { EndpointDefinition, SourceDefinition } from './source-definition.js';

export interface PlannedEndpoint {
  endpoint: EndpointDefinition;
  child: ChildPathTemplate | null;
}

export function planEndpoints(
  definition: SourceDefinition,
  requested?: readonly string[],
): PlannedEndpoint[] {
  const names = definition.endpoints.map((e) => e.name);
  const byName = new Map(definition.endpoints.map((e) => [e.name, e]));
  for (const name of requested ?? []) {
    if (!byName.has(name)) {
      throw new CairnError(
        'invalid-argument',
        `source ${definition.name} has no endpoint named ${JSON.stringify(name)} (it has: ${names.join(', ')})`,
      );
    }
  }
  const templates = new Map(
    definition.endpoints.map((e) => [e.name, parseChildPathTemplate(e.path, names)]),
  );
  const wanted = new Set<string>();
  const want = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    const parent = templates.get(name)?.parent;
    if (parent !== undefined) want(parent);
  };
  for (const name of requested && requested.length > 0 ? requested : names) want(name);

  const ordered: PlannedEndpoint[] = [];
  const placed = new Set<string>();
  const place = (name: string) => {
    if (placed.has(name)) return;
    const child = templates.get(name) ?? null;
    if (child) place(child.parent);
    placed.add(name);
    ordered.push({ endpoint: byName.get(name)!, child });
  };
  for (const name of names) if (wanted.has(name)) place(name);
  return ordered;
}
