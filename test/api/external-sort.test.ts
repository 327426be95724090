import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExternalRecordSorter } from '../../electron/engine/sources/api/external-record-sorter.js';

describe('external record sort', () => {
  it('sorts and de-duplicates far more records than its memory bound, spilling runs to disk', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cairn-sort-'));
    try {
      const sorter = new ExternalRecordSorter({ tempDir: dir, memoryLimitBytes: 1 << 20 });
      const n = 200_000;
      // A fixed permutation of 1..n (multiplying by a unit mod a prime), then 1000 ids again with
      // new content: the later copy must win, as a record fetched twice in one run does.
      const p = 200_003;
      for (let i = 1; i <= p - 1; i++) {
        const id = (i * 7919) % p;
        if (id > n) continue;
        await sorter.add({ id }, `{"id":${id},"v":"old"}`);
      }
      for (let id = 1000; id < 2000; id++) await sorter.add({ id }, `{"id":${id},"v":"new"}`);
      expect(sorter.spilledRuns).toBeGreaterThan(5);
      let expected = 1;
      for await (const record of sorter.sorted()) {
        expect(record.key.id).toBe(expected);
        const version = expected >= 1000 && expected < 2000 ? 'new' : 'old';
        if (record.line !== `{"id":${expected},"v":"${version}"}`)
          throw new Error(`wrong record ${record.line}`);
        expected++;
      }
      expect(expected - 1).toBe(n);
      await sorter.dispose();
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
