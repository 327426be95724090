/**
 * `cairn serve [--port N] [--host 127.0.0.1]`: starts the web UI and the plans' scheduler,
 * prints the address with the access token, then runs until interrupted. The engine comes
 * from the caller so that this module stays about serving.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cairnHome, PROGRAM_VERSION } from '../engine/service.js';
import type { EngineService } from '../engine/service-types.js';
import { planFiles } from '../plans/plan-files.js';
import { startPlanHost, type PlanHost } from '../plans/plan-host.js';
import { PlanJobBoard, planJobsOf } from '../plans/plan-jobs.js';
import { CairnError } from '../engine/errors.js';
import { loadOrCreateToken, rotateToken, tokenFile, watchToken } from './persistent-token.js';
import { Session } from '../session/session.js';
import { findPackageRoot, rendererDir } from './package-root.js';
import { isLoopback } from './request-guard.js';
import { startWebServer } from './web-server.js';

const usage = 'usage: cairn serve [--port N] [--host 127.0.0.1] | cairn serve --rotate-token';

/** The fixed default port, so the address (a bookmark) stays the same across restarts. */
export const DEFAULT_PORT = 4791;

export interface ServeIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the server should stop (Ctrl+C, SIGTERM). */
  stopped(): Promise<void>;
}

export const processIo: ServeIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopped: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
};

export async function runServe(
  argv: string[],
  createEngine: () => EngineService,
  io: ServeIo = processIo,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(usage);
    io.out('Serves the web UI on this machine; open the printed address in a browser.');
    io.out(
      `Runs every plan on its schedule. Default port ${DEFAULT_PORT}; the access token is kept`,
    );
    io.out('in CAIRN_HOME/serve-token so the address stays the same; --rotate-token replaces it.');
    return 0;
  }
  let options: { port: number; host: string; rotateToken: boolean };
  try {
    options = parseServeArgs(argv);
  } catch (err) {
    io.err(`cairn serve: ${(err as Error).message}`);
    io.err(usage);
    return 1;
  }
  const home = cairnHome();
  if (options.rotateToken) {
    await rotateToken(home);
    io.out(
      `A new access token is in ${tokenFile(home)}; the old address stops working (a running cairn serve switches within seconds).`,
    );
    return 0;
  }
  const root = findPackageRoot();
  const dir = rendererDir(root);
  if (!existsSync(join(dir, 'index.html'))) {
    io.err(`cairn serve: the web UI is not built (no ${dir}); run npm run build`);
    return 1;
  }
  const engine = createEngine();
  // The session shows the plans' runs as jobs (progress, cancel) through the host's board; the
  // plans start once the server listens (a second serve on a taken port runs nothing).
  const board = new PlanJobBoard();
  let plans: PlanHost | undefined = undefined;
  const planJobs = planJobsOf(board, (name) => {
    if (plans === undefined) throw new CairnError('failure', 'the plans are starting; try again');
    return plans.runNow(name);
  });
  const session = new Session(engine, { mode: 'web', version: PROGRAM_VERSION }, home, {
    planJobs,
  });
  let server;
  try {
    server = await startWebServer({
      session,
      rendererDir: dir,
      host: options.host,
      port: options.port,
      token: await loadOrCreateToken(home),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use' : (err as Error).message;
    io.err(`cairn serve: cannot listen on ${options.host}:${options.port}: ${why}`);
    await session.dispose();
    await engine.close();
    return 1;
  }
  if (!isLoopback(options.host)) {
    io.err(`cairn serve: warning: listening on ${options.host}, reachable from other machines`);
  }
  // Listen for SIGTERM before printing the address: whoever waits for it may stop us at once.
  const stopped = io.stopped();
  io.out('Cairn web UI (keep this address private; it contains the access token):');
  io.out(`  ${server.url}`);
  const running = server;
  const stopWatchingToken = watchToken(home, server.token, (token) => {
    running.useToken(token);
    io.out('The access token was rotated; the old address no longer works. The new one:');
    io.out(`  ${running.url.replace(/token=[^&]*/, `token=${token}`)}`);
  });
  // The plans run by themselves while the server is up; their log is under CAIRN_HOME.
  const files = planFiles(home);
  plans = await startPlanHost({
    engine,
    files,
    board,
    onConfigProblem: (message) => io.err(`cairn serve: ${message}`),
  });
  io.out(`Plans run on their schedules (log: ${join(files.logs, 'plans.log')}).`);
  io.out('Press Ctrl+C to stop.');
  await stopped;
  stopWatchingToken();
  // A running plan is cancelled cleanly (the repository stays sound) and recorded as cancelled.
  await plans.stop();
  await session.dispose(); // an app job is cancelled the same way, and recorded as cancelled
  await server.close();
  await engine.close();
  return 0;
}

function parseServeArgs(argv: string[]): { port: number; host: string; rotateToken: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'rotate-token': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, not ${values.port}`);
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    rotateToken: values['rotate-token'] ?? false,
  };
}
