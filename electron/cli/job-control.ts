/**
 * What every long CLI command hands the engine: a signal that Ctrl-C (SIGINT) and SIGTERM
 * (what `kill`, `timeout` and systemd send) abort, so both end the same clean way (lock and
 * spool files removed, exit 130), the progress sink CAIRN_PROGRESS or the terminal asks for,
 * and a sink for damage the engine worked around (warningPrinter).
 */
import type { JobControl } from '../engine/service-types.js';
import { progressPrinter, warningPrinter, type CliWarnings } from './output.js';

export function cliJobControl(json: boolean): JobControl & CliWarnings {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const onProgress = progressPrinter(json);
  return {
    signal: controller.signal,
    ...(onProgress ? { onProgress } : {}),
    // A program that steps through events (json-step) must see every one: throttled events
    // let a fast run jump past the point it waits for.
    ...(process.env.CAIRN_PROGRESS === 'json-step' ? { progressIntervalMs: 0 } : {}),
    ...warningPrinter(),
  };
}
