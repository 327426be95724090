/**
 * The file reader gives every pooled buffer back — after empty files, files that cannot be
 * read, and reads that fail half way — so a lane's pool never runs dry during a long backup.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { gearTable } from '../../../electron/engine/chunker/fastcdc.js';
import { newMasterKey } from '../../../electron/engine/crypto/key-slot.js';
import { newRepoConfig } from '../../../electron/engine/format/repo-config.js';
import type { FileJob } from '../../../electron/engine/pipeline/worker-messages.js';
import {
  readFiles,
  type FileReaderHost,
} from '../../../electron/engine/pipeline/worker-file-reader.js';
import * as fdFs from '../../../electron/engine/util/fd-fs.js';
import { BufferPool } from '../../../electron/engine/util/buffer-pool.js';
import { tempDir } from '../../helpers/temp-dir.js';

const MiB = 1024 * 1024;

/** The file as a scan sees it (a missing one with numbers no file has). */
function job(p: string): FileJob {
  const st = lstatSync(p, { bigint: true, throwIfNoEntry: false });
  return { path: p, device: String(st?.dev ?? -1), inode: String(st?.ino ?? -1) };
}

function host(pool: BufferPool): FileReaderHost & { stored: number } {
  const key = newMasterKey();
  const chunker = newRepoConfig().chunker;
  const h = {
    stored: 0,
    encryptKey: key.encrypt,
    chunkIdKey: key.chunkId,
    gear: gearTable(chunker.seed),
    pool,
    claim: (ids: string[]) => Promise.resolve(ids.map(() => true)),
    storeBlob: () => {
      h.stored++;
    },
    reportBytes: () => undefined,
    collectGarbage: () => undefined,
  };
  return h;
}

describe('file reader and its buffer pool', () => {
  const dir = tempDir();
  const chunker = newRepoConfig().chunker;

  it('gives every buffer back after empty, small, missing and large files', async () => {
    const src = path.join(dir, 'mixed');
    mkdirSync(src, { recursive: true });
    const files: string[] = [];
    for (let i = 0; i < 30; i++) {
      const f = path.join(src, `f${i}`);
      // Empty files, small ones and one of several chunks.
      writeFileSync(f, i % 3 === 0 ? '' : i === 10 ? randomBytes(5 * MiB) : `content ${i}\n`);
      files.push(f);
    }
    files.push(path.join(src, 'missing'));
    const pool = new BufferPool();
    const h = host(pool);
    for (let round = 0; round < 20; round++) {
      const outcomes = await readFiles(h, files.map(job), chunker);
      expect(outcomes.filter((o) => !o.ok)).toHaveLength(1);
      expect(pool.inUse()).toBe(0);
    }
    // A folder holding only an empty file (say, __init__.py) takes nothing either.
    await readFiles(h, [job(files[0]!)], chunker);
    expect(pool.inUse()).toBe(0);
  });

  it('gives the buffers back when a large file fails half way', async () => {
    const file = path.join(dir, 'large.bin');
    writeFileSync(file, randomBytes(5 * MiB));
    const pool = new BufferPool();
    const real = fdFs.read;
    let calls = 0;
    const spy = vi.spyOn(fdFs, 'read').mockImplementation((...args) => {
      if (++calls === 3) return Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
      return real(...args);
    });
    try {
      const [outcome] = await readFiles(host(pool), [job(file)], chunker);
      expect(outcome).toMatchObject({ ok: false, code: 'EIO' });
      expect(pool.inUse()).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
