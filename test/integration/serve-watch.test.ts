/**
 * A watched plan (`--watch`) in a real `cairn serve`: a file written into a folder created
 * after serve started is backed up by a run the change started (trigger `watch`), with no
 * schedule and nobody asking; the snapshot holds the file's bytes, and a run by hand afterwards
 * is the only other run. (What the watcher ignores — the repository or CAIRN_HOME inside a
 * watched folder, excluded paths — is tested in test/unit/plans/folder-watcher.test.ts.)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Run {
  id: string;
  plan: string;
  trigger: string;
  result: string;
  snapshot: string | null;
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

function serveLog(home: string): string {
  try {
    return readFileSync(path.join(home, 'logs', 'plans.log'), 'utf8');
  } catch {
    return '';
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('cairn serve with a watched plan', () => {
  const dir = tempDir();
  const src = path.join(dir, 'documents');
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  const passwordFile = path.join(dir, 'password');
  const env = { CAIRN_HOME: home, CAIRN_PASSWORD: '', CAIRN_PASSWORD_FILE: passwordFile };

  it('backs up shortly after files change, and nothing else runs it', async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'notes.txt'), 'first\n');
    writeFileSync(passwordFile, 'correct horse battery staple');
    await cairnOk(['init', '--repo', repo], { env });
    await cairnOk(
      [
        'plan',
        'add',
        'docs',
        '--repo',
        repo,
        src,
        '--password-ref',
        `file:${passwordFile}`,
        '--watch',
      ],
      { env },
    );
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until('the folders watched', () => serveLog(home).includes('[docs] watching'));
      mkdirSync(path.join(src, 'later'));
      // Even if this lands before the new folder is watched, the folder's creation was seen and
      // the run starts after the changes pause, so it reads the file.
      writeFileSync(path.join(src, 'later', 'report.txt'), 'written after serve started\n');
      await until('a run started by the change', () =>
        runs(home).some((r) => r.trigger === 'watch' && r.result === 'ok'),
      );
      const watchRun = runs(home).find((r) => r.trigger === 'watch')!;
      const restored = path.join(dir, 'restored');
      await cairnOk(['restore', watchRun.snapshot!, '--repo', repo, '--target', restored], { env });
      await cairnOk(['plan', 'run', 'docs'], { env });
      expect(runs(home).map((r) => [r.trigger, r.result])).toEqual([
        ['watch', 'ok'],
        ['manual', 'ok'],
      ]);
      const found = readFileSync(
        path.join(restored, path.basename(src), 'later', 'report.txt'),
        'utf8',
      );
      expect(found).toBe('written after serve started\n');
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    expect(output).not.toContain('correct horse');
  });
});
