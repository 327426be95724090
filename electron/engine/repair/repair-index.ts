/**
 * `repair index`: rebuilds the index from the packs alone, as restic's `repair index` does.
 * Packs describe themselves (their sealed header, format/pack.ts), so under the exclusive lock:
 *
 * 1. read the index files that still read, only to say what changes (packs they name that are
 *    gone, packs none of them named);
 * 2. read every pack's header (the tail of the pack, not its data); a pack whose header is
 *    damaged is reported and left out: what it holds is lost to the index, and
 *    `repair snapshots` then removes it from the snapshots that need it;
 * 3. write new index files describing every pack whose header reads, then remove the old ones.
 *
 * With readData every pack is also read whole and each blob verified; a pack with blobs that
 * fail is salvaged (pack-salvage.ts), as restic's `repair packs` does.
 *
 * A kill at any point leaves a usable repository: until the new files are all written the old
 * ones are all there, and in between both describe the same packs, which readers merge.
 */
import { createHash } from 'node:crypto';
import type { IndexFile, IndexPack } from '../format/index-file.js';
import { sealJson } from '../format/sealed-object.js';
import { damageReason, isPermanentDamage } from '../repository/damage.js';
import { readPackHeader } from '../repository/pack-header-reader.js';
import { targetError, type Repository } from '../repository/repository.js';
import { forEachConcurrently } from '../util/concurrency.js';
import type { JobControl } from '../operation-types.js';
import type { PackBlob } from '../format/pack.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import type { DamagedFile, RepairIndexReport, SalvagedPack } from '../../../shared/repair.js';
import { copySoundBlobs, verifyPacks } from './pack-salvage.js';

export type { DamagedFile, RepairIndexReport } from '../../../shared/repair.js';

/** Blobs per new index file: a few MB of JSON, so no single file is huge. */
const BLOBS_PER_INDEX_FILE = 50_000;

export async function repairIndex(
  repo: Repository,
  options: { dryRun?: boolean; readData?: boolean } = {},
  control: JobControl = {},
): Promise<RepairIndexReport> {
  const meter = new ProgressMeter('scanning', control.onProgress, control.progressIntervalMs);
  const oldFiles = await repo.target.list('index');
  const damagedIndexFiles: DamagedFile[] = [];
  const named = new Set<string>();
  await forEachConcurrently(oldFiles, 8, async (f) => {
    try {
      const file = await repo.loadJson<IndexFile>('index', f.name);
      for (const pack of file.packs) named.add(pack.id);
    } catch (err) {
      if (!isPermanentDamage(err)) throw err;
      damagedIndexFiles.push({
        id: f.name,
        reason: damageReason(err, `index file ${f.name.slice(0, 12)}`),
      });
    }
  });

  const onDisk = await repo.target.list('data');
  meter.filesTotal = onDisk.length;
  const packs: IndexPack[] = [];
  const damagedPacks: DamagedFile[] = [];
  const salvage: { id: string; sound: PackBlob[] }[] = [];
  const salvaged: SalvagedPack[] = [];
  if (options.readData) {
    meter.bytesTotal = onDisk.reduce((sum, p) => sum + p.size, 0);
    await verifyPacks(repo, onDisk, (reading, size) => {
      throwIfCancelled(control.signal);
      if (reading.kind === 'sound') packs.push(reading.pack);
      else if (reading.kind === 'unreadable') damagedPacks.push(reading);
      else {
        salvage.push({ id: reading.salvage.id, sound: reading.sound });
        salvaged.push(reading.salvage);
      }
      meter.files++;
      meter.bytes += size;
      meter.emit();
    });
  } else {
    await forEachConcurrently(onDisk, 8, async (p) => {
      throwIfCancelled(control.signal);
      try {
        const blobs = await readPackHeader(repo.target, repo.key, p.name, p.size);
        packs.push({ id: p.name, blobs });
      } catch (err) {
        if (!isPermanentDamage(err)) throw targetError(repo.target, err);
        damagedPacks.push({ id: p.name, reason: damageReason(err, `pack ${p.name.slice(0, 12)}`) });
      }
      meter.files++;
      meter.emit();
    });
  }
  const packsAdded = packs.filter((p) => !named.has(p.id)).length;
  const salvagedBlobs = salvaged.reduce((sum, p) => sum + p.blobs_kept, 0);
  // The sound blobs of damaged packs go into new packs before any index file names those.
  if (!options.dryRun && salvage.length > 0) packs.push(...(await copySoundBlobs(repo, salvage)));
  const stored = new Set(onDisk.map((p) => p.name));
  packs.sort((a, b) => (a.id < b.id ? -1 : 1));
  const files = groupIntoFiles(
    packs,
    oldFiles.map((f) => f.name),
  );
  const report: RepairIndexReport = {
    dry_run: options.dryRun ?? false,
    index_files_before: oldFiles.length,
    damaged_index_files: damagedIndexFiles.sort(byId),
    packs_read: onDisk.length,
    damaged_packs: damagedPacks.sort(byId),
    salvaged_packs: salvaged.sort(byId),
    packs_added: packsAdded,
    packs_missing: [...named].filter((id) => !stored.has(id)).sort(),
    index_files_written: files.length,
    packs_indexed: packs.length,
    blobs: packs.reduce((sum, p) => sum + p.blobs.length, 0) + (options.dryRun ? salvagedBlobs : 0),
  };
  if (options.dryRun) {
    meter.emit(true);
    return report;
  }

  // New files first, each complete on its own; only then are the old ones removed.
  meter.files = 0;
  meter.filesTotal = files.length + oldFiles.length;
  meter.setPhase('finishing');
  const written = new Set<string>();
  for (const file of files) {
    throwIfCancelled(control.signal);
    const sealed = sealJson(repo.key.encrypt, file);
    const id = createHash('sha256').update(sealed).digest('hex');
    await control.confirmLock?.();
    await repo.target.save('index', id, sealed);
    written.add(id);
    meter.files++;
    meter.emit(true);
  }
  for (const f of oldFiles) {
    throwIfCancelled(control.signal);
    if (written.has(f.name)) continue;
    await control.confirmLock?.();
    await repo.target.remove('index', f.name);
    meter.files++;
    meter.emit(true);
  }
  meter.emit(true);
  return report;
}

function groupIntoFiles(packs: readonly IndexPack[], supersedes: string[]): IndexFile[] {
  const files: IndexFile[] = [];
  let current: IndexPack[] = [];
  let blobs = 0;
  for (const pack of packs) {
    if (current.length > 0 && blobs + pack.blobs.length > BLOBS_PER_INDEX_FILE) {
      files.push({ packs: current, supersedes });
      current = [];
      blobs = 0;
    }
    current.push(pack);
    blobs += pack.blobs.length;
  }
  if (current.length > 0) files.push({ packs: current, supersedes });
  return files;
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : 1;
}
