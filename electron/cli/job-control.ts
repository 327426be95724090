/**
 * What every long CLI command hands the engine: a signal that Ctrl-C (SIGINT) and SIGTERM
 * (what `kill`, `timeout` and systemd send) abort, so both end the same clean way (lock and
 * spool files removed, exit 130), and the progress sink CAIRN_PROGRESS or the terminal asks for.
 */
import type { JobControl } from '../engine/service-types.js';
import { progressPrinter } from './output.js';

export function cliJobControl(json: boolean): JobControl {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const onProgress = progressPrinter(json);
  return {
    signal: controller.signal,
    ...(onProgress ? { onProgress } : {}),
    onNotice: (message) => process.stderr.write(`cairn: ${message}\n`),
    // A program that steps through events (json-step) must see every one: throttled events
    // let a fast run jump past the point it waits for.
    ...(process.env.CAIRN_PROGRESS === 'json-step' ? { progressIntervalMs: 0 } : {}),
  };
}
