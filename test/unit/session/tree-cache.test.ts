/**
 * The session's cache of snapshot folder listings is bounded by entries as well as by folders:
 * browsing a few huge folders in the app or the web UI must not keep them all in memory.
 */
import { describe, expect, it } from 'vitest';
import type { ListEntry } from '../../../shared/domain.js';
import { TreeCache } from '../../../electron/session/tree-cache.js';

const snapshot = 'a'.repeat(64);
const folder = (n: number): ListEntry[] =>
  Array.from({ length: n }, (_, i) => ({ name: `f${i}` }) as unknown as ListEntry);

/** Lists a folder through the cache; true when the engine had to be asked. */
async function loaded(cache: TreeCache, path: string, size: number): Promise<boolean> {
  let asked = false;
  await cache.list('/repo', snapshot, path, async () => {
    asked = true;
    return folder(size);
  });
  return asked;
}

describe('folder listing cache', () => {
  it('lets the least recently used folders go once their entries pass the bound', async () => {
    const cache = new TreeCache(100, 10);
    expect(await loaded(cache, '/a', 6)).toBe(true);
    expect(await loaded(cache, '/b', 3)).toBe(true);
    expect(await loaded(cache, '/b', 3)).toBe(false);
    expect(await loaded(cache, '/c', 5)).toBe(true); // 14 entries: /a goes
    expect(await loaded(cache, '/b', 3)).toBe(false);
    expect(await loaded(cache, '/c', 5)).toBe(false);
    expect(await loaded(cache, '/a', 6)).toBe(true);
  });

  it('keeps no folder larger than the whole bound, and still answers with it', async () => {
    const cache = new TreeCache(100, 10);
    expect(await loaded(cache, '/small', 2)).toBe(true);
    expect(await loaded(cache, '/huge', 11)).toBe(true);
    expect(await loaded(cache, '/huge', 11)).toBe(true);
    expect(await loaded(cache, '/small', 2)).toBe(false);
  });

  it('still keeps at most its number of folders', async () => {
    const cache = new TreeCache(2, 1000);
    for (const path of ['/a', '/b', '/c']) expect(await loaded(cache, path, 1)).toBe(true);
    expect(await loaded(cache, '/a', 1)).toBe(true);
    expect(await loaded(cache, '/c', 1)).toBe(false);
  });
});
