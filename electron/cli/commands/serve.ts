/**
 * `cairn serve [--port N] [--host 127.0.0.1]`: the web UI over the real engine, which keeps
 * repositories open across requests (the key is derived once, not per request).
 */
import { createEngine } from '../../engine/service.js';
import { runServe } from '../../server/serve-command.js';

export async function run(argv: string[]): Promise<number> {
  return runServe(argv, () => createEngine({ keepOpen: true }));
}
