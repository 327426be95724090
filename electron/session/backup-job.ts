/**
 * "Back up now" as one job: the folders first (one snapshot), then each API source (one snapshot
 * each, group host:<h>;api:<name>), sharing the job's progress events and cancellation.
 *
 * Before anything runs, every API source's secrets are resolved: one that is missing (an unset
 * `env:` variable, a missing keychain entry or `file:`) fails the job with a message naming it,
 * and nothing is backed up — not a half-done job reported as done. An API source that fails as a
 * whole later on (say, its repository work fails) is reported and the others still run; an
 * endpoint that fails inside a source makes that snapshot incomplete, which the result carries
 * as the engine wrote it.
 */
import type { JobResult, BackupSnapshotMade } from '../../shared/contract.js';
import type { BackupWarning } from '../../shared/domain.js';
import { redactLocation } from '../engine/service.js';
import type {
  EngineService,
  JobControl,
  RepositoryRef,
  SourceDefinition,
} from '../engine/service-types.js';
import type { JobLog } from './job-registry.js';

const maxWarningsLogged = 100;

export interface BackupJobRequest {
  paths: string[];
  definitions: SourceDefinition[];
  excludes?: string[] | undefined;
  tags?: string[] | undefined;
  forceFull?: boolean | undefined;
}

export async function runBackupJob(
  engine: EngineService,
  ref: RepositoryRef,
  request: BackupJobRequest,
  control: Required<Pick<JobControl, 'signal' | 'onProgress'>>,
  log: JobLog,
): Promise<JobResult> {
  const { paths, definitions, excludes, tags, forceFull } = request;
  const made: BackupSnapshotMade[] = [];
  const failedSources: { source: string; message: string }[] = [];
  let firstError: unknown;
  const warnings: BackupWarning[] = [];

  for (const definition of definitions) {
    // The engine's message names the reference, never a value.
    await engine.checkApiSourceSecrets(definition);
  }

  if (paths.length > 0) {
    log('info', `Backing up ${paths.join(', ')} to ${redactLocation(ref.location)}`);
    const result = await engine.backup(ref, { paths, excludes, tags, forceFull }, control);
    logWarnings(result.warnings, log);
    warnings.push(...result.warnings);
    made.push({ source: 'folders', kind: 'folders', snapshot: result.snapshot });
  }

  for (const definition of definitions) {
    control.signal.throwIfAborted();
    log('info', `Backing up API source ${definition.name} to ${redactLocation(ref.location)}`);
    try {
      const result = await engine.backupApi(
        ref,
        { definition, fullSync: forceFull, tags },
        control,
      );
      logWarnings(result.warnings, log);
      warnings.push(...result.warnings);
      made.push({ source: definition.name, kind: 'api', snapshot: result.snapshot });
      if (result.snapshot.incomplete) {
        log(
          'warning',
          `Snapshot ${result.snapshot.short_id} of ${definition.name} is incomplete: ${result.snapshot.incomplete_reasons.join('; ')}`,
        );
      }
    } catch (err) {
      if (control.signal.aborted) throw err;
      // The engine's messages never hold resolved secrets (its redactor sees to that).
      const message = err instanceof Error ? err.message : String(err);
      log('warning', `API source ${definition.name} was not backed up: ${message}`);
      failedSources.push({ source: definition.name, message });
      firstError ??= err;
    }
  }

  const first = made[0];
  // Nothing saved at all: the job failed, with the engine's own error (and its kind).
  if (first === undefined) throw firstError ?? new Error('Nothing was backed up.');
  return { kind: 'backup', snapshot: first.snapshot, snapshots: made, failedSources, warnings };
}

export function logWarnings(warnings: BackupWarning[], log: JobLog): void {
  for (const warning of warnings.slice(0, maxWarningsLogged)) {
    log('warning', `${warning.path}: ${warning.message}`);
  }
  if (warnings.length > maxWarningsLogged) {
    log('warning', `…and ${warnings.length - maxWarningsLogged} more warnings`);
  }
}
