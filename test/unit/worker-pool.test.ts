/**
 * The worker pool works when the engine runs from TypeScript sources (as under Vitest):
 * a sealed blob comes back open with its id verified.
 */
import { describe, expect, it } from 'vitest';
import { blobId } from '../../electron/engine/crypto/chunk-id.js';
import { newMasterKey } from '../../electron/engine/crypto/key-slot.js';
import { WorkerPool } from '../../electron/engine/pipeline/worker-pool.js';

describe('worker pool from sources', () => {
  it('seals on a worker and opens on a worker', async () => {
    const key = newMasterKey();
    const pool = new WorkerPool(key, '00'.repeat(32), 2);
    try {
      const data = Buffer.from('x'.repeat(200_000) + 'tail');
      const expectedId = blobId(key.chunkId, data);
      const sealed = await pool.seal(Buffer.from(data));
      const opened = await pool.open(sealed, 'test blob', true);
      expect(opened.id).toBe(expectedId);
      expect(opened.data.equals(data)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
