/**
 * `cairn serve` started on a damaged config.json says so on its terminal (not only in
 * plans.log), naming the file, and leaves the file exactly as it was: nobody watching the
 * terminal should believe plans are running when none can be read.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('cairn serve on a damaged configuration', () => {
  const dir = tempDir();

  it('says so on stderr, naming the file, and keeps the file as it was', async () => {
    const config = path.join(dir, 'config.json');
    const damaged = '{"version": 2, "plans": [ {"name": "docs" ';
    writeFileSync(config, damaged);
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      env: { ...process.env, CAIRN_HOME: dir, CAIRN_PASSWORD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = once(child, 'close');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.includes('Press Ctrl+C') && resolve());
      child.once('exit', (code) => reject(new Error(`cairn serve exited ${code}: ${stderr}`)));
    });
    child.kill('SIGTERM');
    expect((await closed)[0]).toBe(0);

    expect(stderr).toContain(`cairn serve: configuration ${config} is damaged (not valid JSON: `);
    expect(stderr).toContain(
      'it was left as it is: fix it, or move it away to start afresh; no plan runs until it is fixed\n',
    );
    expect(readFileSync(config, 'utf8')).toBe(damaged);
  }, 120_000);
});
