import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { validateApiSourceText } from '../../../electron/session/api-source-validation.js';

// A stand-in with the shape of the API source engine's schema (name + named endpoints).
const schema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/, 'Use lower-case letters, digits and -'),
    baseUrl: z.string().url(),
    endpoints: z.array(z.object({ name: z.string(), path: z.string() })).min(1),
  })
  .strict();

describe('validateApiSourceText', () => {
  it('accepts a valid definition and names its endpoints', () => {
    const text = JSON.stringify({
      name: 'tracker',
      baseUrl: 'http://127.0.0.1:9/',
      endpoints: [
        { name: 'projects', path: '/projects' },
        { name: 'tasks', path: '/tasks' },
      ],
    });
    expect(validateApiSourceText(text, schema)).toEqual({
      available: true,
      ok: true,
      name: 'tracker',
      endpoints: ['projects', 'tasks'],
      problems: [],
    });
  });

  it('points at the line and column of a JSON syntax error', () => {
    const result = validateApiSourceText('{\n  "name": "x",\n  }', schema);
    expect(result.ok).toBe(false);
    expect(result.problems[0]?.message).toMatch(/^Not valid JSON at line 3, column 3/);
  });

  it('lists every schema problem with where it is', () => {
    const result = validateApiSourceText(
      JSON.stringify({ name: 'Bad Name', baseUrl: 'nope', endpoints: [] }),
      schema,
    );
    expect(result.name).toBe('Bad Name');
    expect(result.problems.map((p) => p.path)).toEqual(['name', 'baseUrl', 'endpoints']);
  });
});
