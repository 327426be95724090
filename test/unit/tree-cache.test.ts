/**
 * The open repository's tree cache (issue 11: trees cached within a bound): what it holds never
 * passes its byte bound, the least recently used tree goes first, and a tree larger than the
 * whole bound is not kept at all, so browsing a huge snapshot in the app or `cairn serve` keeps
 * memory flat.
 */
import { describe, expect, it } from 'vitest';
import type { Tree } from '../../electron/engine/format/tree.js';
import { TreeCache } from '../../electron/engine/repository/tree-cache.js';

const tree = (name: string): Tree => ({ nodes: [{ name } as Tree['nodes'][number]] });

describe('tree cache', () => {
  it('drops the least recently used trees once their bytes pass the bound', () => {
    const cache = new TreeCache(300);
    cache.set('a', tree('a'), 100);
    cache.set('b', tree('b'), 100);
    cache.set('c', tree('c'), 100);
    expect(cache.get('a')?.nodes[0]?.name).toBe('a'); // a is now the most recent
    cache.set('d', tree('d'), 100);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => cache.get(id)?.nodes[0]?.name)).toEqual(['a', 'c', 'd']);
    cache.set('e', tree('e'), 250);
    expect(cache.size).toBe(1);
    expect(cache.get('e')?.nodes[0]?.name).toBe('e');
  });

  it('keeps nothing of a tree larger than the bound', () => {
    const cache = new TreeCache(300);
    cache.set('a', tree('a'), 100);
    cache.set('huge', tree('huge'), 301);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('a')?.nodes[0]?.name).toBe('a');
  });
});
