/**
 * `cairn serve` runs plans by itself: a real serve process with a plan due every few seconds
 * against a local repository and the fixture API backs up and applies retention while nobody
 * touches it; a SIGTERM in the middle of a run cancels it cleanly (recorded as cancelled, the
 * repository checks clean); the access token survives a restart and can be rotated; no file
 * Cairn wrote holds the repository password.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { CLI, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';
// The quick API's token, reached by `env:` reference only: the scan below looks for it too.
const API_TOKEN = 'serve-plans-api-token-7Qx2';

interface Run {
  id: string;
  plan: string;
  result: string;
  forgotten: number;
}

function runs(home: string): Run[] {
  let text = '';
  try {
    text = readFileSync(path.join(home, 'activity', 'runs.ndjson'), 'utf8');
  } catch {
    return [];
  }
  const byId = new Map<string, Run>();
  for (const line of text.split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as Run;
    byId.set(r.id, { ...byId.get(r.id), ...r });
  }
  return [...byId.values()];
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 400_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startServe(home: string, extra: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...extra], {
    env: { ...process.env, CAIRN_HOME: home, CAIRN_PASSWORD: '', CAIRN_TEST_PLAN_TOKEN: API_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /http:\/\/\S+\?token=(\S+)/.exec(stdout);
      if (match && stdout.includes('Press Ctrl+C')) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`cairn serve exited ${code}: ${stderr}`)));
  });
  return {
    token: url,
    port: url.then(() => Number(/http:\/\/[^/]+:(\d+)\//.exec(stdout)![1])),
    async stop(): Promise<number | null> {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
    output: () => stdout + stderr,
  };
}

/** The status of opening the address with this token: 303 signs in, 401 is the sign-in page. */
async function signIn(port: number, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/?token=${token}`, { redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('cairn serve runs plans', () => {
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'photos');
  const passwordFile = path.join(dir, 'password');
  const env = { CAIRN_HOME: home, CAIRN_PASSWORD: '', CAIRN_TEST_PLAN_TOKEN: API_TOKEN };
  let quick: FixtureServer;
  let slow: FixtureServer;

  const sourceFile = (name: string, server: FixtureServer, token?: string) => {
    const file = path.join(dir, `${name}.source.json`);
    writeFileSync(
      file,
      JSON.stringify({
        name,
        baseUrl: server.baseUrl,
        ...(token ? { auth: { type: 'bearer', token } } : {}),
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 5 },
          },
        ],
      }),
    );
    return file;
  };

  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.jpg'), 'not really a photo\n');
    writeFileSync(passwordFile, PASSWORD);
    quick = await startFixtureServer({
      items: 12,
      projects: 0,
      auth: { type: 'bearer', token: API_TOKEN },
    });
    // Each answer takes long enough that a run is surely mid-backup when the test stops it.
    slow = await startFixtureServer({ items: 40, projects: 0, latencyMs: 1500 });
    await cairnOk(['init', '--repo', repo]);
  });
  afterAll(async () => {
    await quick.close();
    await slow.close();
  });

  it('backs up and applies retention on its own, and a SIGTERM mid-run leaves the repository sound', async () => {
    await cairnOk(
      [
        'plan',
        'add',
        'auto',
        '--repo',
        repo,
        src,
        '--api',
        sourceFile('quick', quick, 'env:CAIRN_TEST_PLAN_TOKEN'),
        '--password-ref',
        `file:${passwordFile}`,
        '--every',
        '2s',
        '--keep-last',
        '2',
      ],
      { env },
    );
    const serve = startServe(home);
    const token = await serve.token;
    await until(
      'three runs of plan auto',
      () => runs(home).filter((r) => r.plan === 'auto' && r.result === 'ok').length >= 3,
    );
    // Plans are picked up from the configuration while serve runs.
    await cairnOk(['plan', 'pause', 'auto'], { env });
    await cairnOk(
      [
        'plan',
        'add',
        'slow',
        '--repo',
        repo,
        '--api',
        sourceFile('slow', slow),
        '--password-ref',
        `file:${passwordFile}`,
        '--every',
        '1s',
      ],
      { env },
    );
    await until(
      'the slow plan to be fetching',
      () => slow.log.length > 0 && runs(home).some((r) => r.plan === 'slow'),
    );
    expect(await serve.stop()).toBe(0);

    const all = runs(home);
    const auto = all.filter((r) => r.plan === 'auto');
    expect(auto.filter((r) => r.result === 'ok').length).toBeGreaterThanOrEqual(3);
    expect(auto.every((r) => r.result === 'ok')).toBe(true);
    expect(auto.some((r) => r.forgotten > 0)).toBe(true);
    expect(all.filter((r) => r.plan === 'slow').map((r) => r.result)).toEqual(['cancelled']);

    const snapshots = JSON.parse(
      (await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout,
    ) as { group: string }[];
    expect(snapshots.filter((s) => s.group.endsWith(';plan:auto'))).toHaveLength(2);
    expect(snapshots.filter((s) => s.group.endsWith(';plan:slow'))).toHaveLength(0);
    await cairnOk(['check', '--repo', repo, '--read-data']);
    const log = readFileSync(path.join(home, 'logs', 'plans.log'), 'utf8');
    expect(log).toContain('[slow] cancelled');

    // The same address works after a restart; a rotated token replaces it.
    const again = startServe(home);
    expect(await again.token).toBe(token);
    await again.stop();
    expect(statSync(path.join(home, 'serve-token')).mode & 0o777).toBe(0o600);
    // Rotated while serve runs: the old token is refused at once, the new one let in.
    const live = startServe(home);
    const port = await live.port;
    expect(await signIn(port, token)).toBe(303);
    await cairnOk(['serve', '--rotate-token'], { env });
    const fresh = readFileSync(path.join(home, 'serve-token'), 'utf8').trim();
    expect(fresh).not.toBe(token);
    await until(
      'serve to switch to the new token',
      async () => (await signIn(port, token)) === 401,
    );
    expect(await signIn(port, fresh)).toBe(303);
    await live.stop();
    const rotated = startServe(home);
    expect(await rotated.token).toBe(fresh);
    await rotated.stop();

    // No file Cairn wrote (configuration, state, activity, logs, repository) holds the
    // password or the API's token.
    for (const file of [...filesUnder(home), ...filesUnder(repo)]) {
      expect(readFileSync(file).includes(PASSWORD), file).toBe(false);
      expect(readFileSync(file).includes(API_TOKEN), file).toBe(false);
    }
  }, 900_000);
});
