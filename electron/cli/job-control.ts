/**
 * What every long CLI command hands the engine: a signal that Ctrl-C (SIGINT) and SIGTERM
 * (what `kill`, `timeout` and systemd send) abort, so both end the same clean way (lock and
 * spool files removed, exit 130), the progress sink CAIRN_PROGRESS or the terminal asks for,
 * and a sink for damage the engine worked around (warningPrinter). Commands use it through
 * runCliJob, which also takes the progress line away and the signal handlers down at the end.
 */
import type { JobControl, RepositoryWarning } from '../engine/service-types.js';
import { clearProgress, progressPrinter, warningPrinter, type CliWarnings } from './output.js';

/**
 * Runs one long engine call the way every command does: cancellable by Ctrl-C and SIGTERM,
 * showing progress, collecting repository warnings (for --json's `repository_warnings`), and
 * clearing the progress line when it ends, however it ends.
 */
export async function runCliJob<T>(
  json: boolean,
  job: (control: JobControl) => Promise<T>,
): Promise<{ result: T; warnings: RepositoryWarning[] }> {
  const control = cliJobControl(json);
  try {
    return { result: await job(control), warnings: control.warnings };
  } finally {
    control.dispose();
    clearProgress(json);
  }
}

function cliJobControl(json: boolean): JobControl & CliWarnings & { dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const onProgress = progressPrinter(json);
  return {
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
    signal: controller.signal,
    ...(onProgress ? { onProgress } : {}),
    // A program that steps through events (json-step) must see every one: throttled events
    // let a fast run jump past the point it waits for.
    ...(process.env.CAIRN_PROGRESS === 'json-step' ? { progressIntervalMs: 0 } : {}),
    ...warningPrinter(),
  };
}
