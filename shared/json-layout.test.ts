import { describe, expect, it } from 'vitest';
import { layoutJson } from './json-layout.js';

describe('layoutJson', () => {
  it('lays JSON out as JSON.stringify does, from the text', () => {
    const docs: unknown[] = [
      { id: 1, title: 'a "quoted" \\ title, with: [brackets] {braces}', tags: [], meta: {} },
      [1, [2, [3, { x: null, y: true, z: false }]], 'é\u2028', -0.5],
      'text',
      42,
      { nested: { deeper: { deepest: [{}] } }, '': '' },
    ];
    for (const doc of docs) {
      const compact = JSON.stringify(doc);
      expect(layoutJson(compact, 2)).toBe(JSON.stringify(doc, null, 2));
      expect(layoutJson(JSON.stringify(doc, null, 4), 0)).toBe(compact);
    }
  });

  it('keeps every number exactly as written', () => {
    const line =
      '{"amount":123456789012345678901234567890,"id":9007199254740993,"price":1.50,"n":1e2}';
    expect(layoutJson(line, 2)).toBe(
      '{\n  "amount": 123456789012345678901234567890,\n  "id": 9007199254740993,\n  "price": 1.50,\n  "n": 1e2\n}',
    );
    expect(layoutJson(layoutJson(line, 2), 0)).toBe(line);
  });

  it('refuses text that is not JSON', () => {
    expect(() => layoutJson('{"a": ', 2)).toThrow(SyntaxError);
  });
});
