/**
 * Whether worker pools run one of their lanes on the main thread (see WorkerPool). Kept apart
 * from the pool so the CLI can decide before loading any of the engine.
 */
let shared = false;

/**
 * From now on, pools run one of their lanes on the main thread and start one worker fewer.
 * For a process that does nothing else while an operation runs (the CLI): its main thread is
 * mostly idle there, and each worker costs 10–15 MB. Not for the app or the web server,
 * whose main thread must stay responsive.
 */
export function shareMainThread(): void {
  shared = true;
}

export function sharesMainThread(): boolean {
  return shared;
}
