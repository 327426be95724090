/**
 * For `repair index --read-data` (restic's `repair packs`): every pack is read whole and each
 * blob decrypted and checked against its id. A pack with blobs that fail, or whose bytes no
 * longer match its name, is salvaged: its sound blobs are copied, still sealed, into new packs,
 * and the damaged pack is left out of the new index (nothing describes it any more, so `prune`
 * deletes it). What failed is lost; `repair snapshots` then cuts it out of the snapshots.
 */
import type { IndexPack } from '../format/index-file.js';
import type { PackBlob } from '../format/pack.js';
import type { PackVerdict } from '../pipeline/worker-messages.js';
import { WorkerPool } from '../pipeline/worker-pool.js';
import { unindexedPackWriter } from '../repository/pack-writer.js';
import { targetError, type Repository } from '../repository/repository.js';
import { forEachConcurrently } from '../util/concurrency.js';
import type { FileInfo } from '../targets/target.js';
import type { SalvagedPack } from '../../../shared/repair.js';

export type { SalvagedPack } from '../../../shared/repair.js';

export type PackReading =
  | { kind: 'sound'; pack: IndexPack }
  | { kind: 'unreadable'; id: string; reason: string }
  | { kind: 'damaged'; salvage: SalvagedPack; sound: PackBlob[] };

/** Reads and verifies each pack; `onPack` hears of each as it is done. */
export async function verifyPacks(
  repo: Repository,
  packs: readonly FileInfo[],
  onPack: (reading: PackReading, size: number) => void,
): Promise<void> {
  const pool = new WorkerPool(repo.key);
  try {
    const ahead = repo.target.localPath ? pool.size * 2 : 2;
    await forEachConcurrently(packs, ahead, async (p) => {
      onPack(judge(p.name, await verify(repo, pool, p.name)), p.size);
    });
  } finally {
    await pool.close();
  }
}

async function verify(repo: Repository, pool: WorkerPool, packId: string): Promise<PackVerdict> {
  const local = repo.target.localPath?.('data', packId);
  try {
    return local
      ? await pool.verifyPackFile(local, packId)
      : await pool.verifyPack(await repo.target.load('data', packId), packId);
  } catch (err) {
    // A failed read is the target's fault, not damage: it stops the repair.
    throw targetError(repo.target, err);
  }
}

function judge(id: string, verdict: PackVerdict): PackReading {
  if (!verdict.blobs)
    return { kind: 'unreadable', id, reason: verdict.headerError ?? 'unreadable header' };
  const bad = new Set(verdict.bad);
  if (bad.size === 0 && verdict.hashOk)
    return { kind: 'sound', pack: { id, blobs: verdict.blobs } };
  const sound = verdict.blobs.filter((b) => !bad.has(b.id));
  return {
    kind: 'damaged',
    sound,
    salvage: {
      id,
      reason:
        bad.size > 0
          ? `${bad.size} of ${verdict.blobs.length} blob(s) fail verification`
          : 'content does not match its name',
      blobs_kept: sound.length,
      blobs_lost: bad.size,
    },
  };
}

/** Copies the sound blobs of damaged packs into new packs; returns those, stored. */
export async function copySoundBlobs(
  repo: Repository,
  damaged: readonly { id: string; sound: readonly PackBlob[] }[],
): Promise<IndexPack[]> {
  const writer = unindexedPackWriter(repo.target, repo.key);
  try {
    for (const pack of damaged) {
      if (pack.sound.length === 0) continue;
      let bytes: Buffer;
      try {
        bytes = await repo.target.load('data', pack.id);
      } catch (err) {
        throw targetError(repo.target, err);
      }
      for (const b of pack.sound) {
        const sealed = Buffer.from(bytes.subarray(b.offset, b.offset + b.length));
        await writer.add(b.id, b.type, sealed, b.raw_length);
      }
    }
    await writer.flushPacks();
  } catch (err) {
    writer.discard();
    throw err;
  }
  return writer.takeUnindexed();
}
