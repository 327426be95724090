/**
 * No import circles in electron/ and shared/ (issue 11): the operations' shared types sit low in
 * the engine (operation-types.ts) and the facade above them, so nothing runs back up. Type-only
 * and lazy `import()`s count too: a circle through types still ties the rooms together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cairn-cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|cts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const specifiers = /(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

/** Each file's relative imports, resolved to the .ts files they name. */
function importGraph(roots: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of roots.flatMap((r) => sourceFiles(path.join(ROOT, r)))) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(specifiers)].map((m) =>
      path.resolve(path.dirname(file), m[1] ?? m[2]!).replace(/\.js$/, '.ts'),
    );
    graph.set(file, deps);
  }
  return graph;
}

/** Every circle a depth-first walk meets, as a readable chain of paths. */
function findCycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue;
      if (state.get(dep) === 'open') {
        const chain = [...stack.slice(stack.indexOf(dep)), dep];
        cycles.push(chain.map((f) => path.relative(ROOT, f)).join(' -> '));
      } else if (state.get(dep) === undefined) visit(dep);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  return cycles;
}

describe('imports', () => {
  it('form no circles', () => {
    const graph = importGraph(['electron', 'shared']);
    expect(graph.size).toBeGreaterThan(100);
    expect(findCycles(graph)).toEqual([]);
  });
});
