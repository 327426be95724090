/**
 * The app's "Repair": what `cairn repair index` and then `cairn repair snapshots` do, in that
 * order (snapshots are judged against the rebuilt index), as one job. Each step's lines go to
 * the job's log and into its result, in the CLI's words.
 */
import type { RepairSummary } from '../../shared/contract.js';
import {
  indexRepairLines,
  indexRepairLostData,
  snapshotsRepairChanges,
  snapshotsRepairLines,
} from '../../shared/repair.js';
import type { EngineService, JobControl, RepositoryRef } from '../engine/service-types.js';
import type { JobLog } from './job-registry.js';

export async function repairRepository(
  engine: Pick<EngineService, 'repairIndex' | 'repairSnapshots'>,
  repo: RepositoryRef,
  options: { dryRun: boolean; readData?: boolean },
  control: JobControl,
  log: JobLog,
): Promise<RepairSummary> {
  const { dryRun } = options;
  log('info', `${dryRun ? 'Preview: ' : ''}rebuilding the index from the packs`);
  const index = await engine.repairIndex(
    repo,
    { dryRun, readData: options.readData ?? false },
    control,
  );
  const indexLines = indexRepairLines(index);
  for (const line of indexLines) log('info', line);
  log('info', `${dryRun ? 'Preview: ' : ''}removing what is lost from the snapshots`);
  const snapshots = await engine.repairSnapshots(repo, { dryRun }, control);
  const snapshotLines = snapshotsRepairLines(snapshots);
  for (const line of snapshotLines) log('info', line);
  return {
    dryRun,
    snapshotsChanged: snapshotsRepairChanges(snapshots),
    dataLost: indexRepairLostData(index) || snapshotsRepairChanges(snapshots) > 0,
    index: indexLines,
    snapshots: snapshotLines,
  };
}
