import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/engine/service.js';
import { validateApiSourceText } from '../../../electron/session/api-source-validation.js';

// The real engine: what the editor shows must be the engine's own verdict.
const engine = createEngine();

describe('validateApiSourceText', () => {
  it('accepts a valid definition and names its endpoints', async () => {
    const text = JSON.stringify({
      name: 'tracker',
      baseUrl: 'http://127.0.0.1:9/',
      endpoints: [
        { name: 'projects', path: '/projects', records: 'data', pagination: { type: 'none' } },
        { name: 'tasks', path: '/tasks', records: 'data', pagination: { type: 'none' } },
      ],
    });
    expect(await validateApiSourceText(text, engine)).toEqual({
      available: true,
      ok: true,
      name: 'tracker',
      endpoints: ['projects', 'tasks'],
      problems: [],
    });
  });

  it('points at the line and column of a JSON syntax error', async () => {
    const result = await validateApiSourceText('{\n  "name": "x",\n  }', engine);
    expect(result.ok).toBe(false);
    expect(result.problems[0]?.message).toMatch(/^Not valid JSON at line 3, column 3/);
  });

  it('lists every schema problem with where it is', async () => {
    const result = await validateApiSourceText(
      JSON.stringify({ name: 'bad/name', baseUrl: 'nope', endpoints: [] }),
      engine,
    );
    expect(result.name).toBe('bad/name');
    expect(result.problems.map((p) => p.path)).toEqual(['name', 'baseUrl', 'endpoints']);
  });
});
