/**
 * `check --read-data-subset N%` reads a rotating part of the packs: repeated runs cover all.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('check --read-data-subset', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'src');

  it('reads about N% per run and every pack over 100/N runs', async () => {
    mkdirSync(src);
    await cairnOk(['init', '--repo', repo]);
    // Ten backups of new random data: ten or more packs.
    for (let i = 0; i < 10; i++) {
      writeFileSync(path.join(src, `f${i}.bin`), randomBytes(600 * 1024));
      await cairnOk(['backup', src, '--repo', repo]);
    }
    const env = { CAIRN_HOME: path.join(dir, 'home') };
    const first = JSON.parse(
      (await cairnOk(['check', '--repo', repo, '--read-data-subset', '25%', '--json'], { env }))
        .stdout,
    );
    expect(first.ok).toBe(true);
    const packs = first.packs as number;
    expect(packs).toBeGreaterThanOrEqual(10);
    expect(first.packs_read).toBe(Math.ceil(packs * 0.25));
    let read = first.packs_read as number;
    for (let run = 1; run < 4; run++) {
      const next = JSON.parse(
        (await cairnOk(['check', '--repo', repo, '--read-data-subset', '25%', '--json'], { env }))
          .stdout,
      );
      read += next.packs_read;
    }
    expect(read).toBeGreaterThanOrEqual(packs);
  });
});
