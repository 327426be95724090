/**
 * Repacking for prune: the used blobs of mostly-garbage packs are copied, still sealed, into new
 * packs. Each blob is opened and checked against its id before it is copied, so that of two
 * copies the damaged one is never the one kept: a damaged blob is taken from another pack that
 * holds a sound copy, and a pack with a damaged blob that has no sound copy anywhere is kept as
 * it is (nothing is lost that was not lost already, and `check` goes on naming it).
 */
import type { IndexPack } from '../format/index-file.js';
import { openObject } from '../format/sealed-object.js';
import { unindexedPackWriter } from '../repository/pack-writer.js';
import type { Repository } from '../repository/repository.js';
import { throwIfCancelled } from '../util/cancel.js';
import type { ProgressMeter } from '../util/progress-meter.js';
import type { PackContents } from './pack-contents.js';

export interface Repacked {
  /** The new packs, which no index file describes yet. */
  written: IndexPack[];
  /** The packs whose blobs now live in `written`. */
  repacked: string[];
  /** Packs left as they are: a blob they hold is damaged and has no sound copy. */
  kept: IndexPack[];
}

export async function repack(
  repo: Repository,
  candidates: readonly IndexPack[],
  packs: PackContents,
  onDisk: ReadonlyMap<string, number>,
  meter: ProgressMeter,
  signal: AbortSignal | undefined,
): Promise<Repacked> {
  const writer = unindexedPackWriter(repo.target, repo.key);
  const repacked: string[] = [];
  const kept: IndexPack[] = [];
  try {
    for (const pack of candidates) {
      throwIfCancelled(signal);
      const bytes = await repo.target.load('data', pack.id);
      const sealed: Buffer[] = [];
      for (const b of pack.blobs) {
        const own = bytes.subarray(b.offset, b.offset + b.length);
        const copy = isSound(repo, b.id, own)
          ? own
          : await soundCopyElsewhere(repo, b.id, pack.id, packs, onDisk);
        if (!copy) break;
        sealed.push(copy);
      }
      if (sealed.length < pack.blobs.length) {
        kept.push(pack);
      } else {
        for (const [i, b] of pack.blobs.entries())
          await writer.add(b.id, b.type, Buffer.from(sealed[i]!), b.raw_length);
        repacked.push(pack.id);
      }
      meter.files++;
      meter.bytes += bytes.length;
      meter.emit(true);
    }
    await writer.flushPacks();
  } catch (err) {
    // Packs already stored stay unindexed: the next prune deletes them first.
    writer.discard();
    throw err;
  }
  return { written: writer.takeUnindexed(), repacked, kept };
}

/** Whether sealed bytes open and hold the blob their id names. */
function isSound(repo: Repository, id: string, sealed: Buffer): boolean {
  try {
    return repo.blobId(openObject(repo.key.encrypt, sealed, `blob ${id.slice(0, 12)}`)) === id;
  } catch {
    return false;
  }
}

async function soundCopyElsewhere(
  repo: Repository,
  id: string,
  damagedIn: string,
  packs: PackContents,
  onDisk: ReadonlyMap<string, number>,
): Promise<Buffer | undefined> {
  for (const { pack, blob } of packs.copiesOf(id)) {
    if (pack === damagedIn || !onDisk.has(pack)) continue;
    const sealed = await repo.target
      .load('data', pack, { offset: blob.offset, length: blob.length })
      .catch(() => undefined);
    if (sealed && isSound(repo, id, sealed)) return sealed;
  }
  return undefined;
}
