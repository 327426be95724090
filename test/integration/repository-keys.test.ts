/**
 * Passwords and format versions: a second password opens the same repository, a changed one
 * replaces the old, and a repository written by a newer Cairn is refused with a clear message.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealJson } from '../../electron/engine/format/sealed-object.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('key slots and format version', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'src');

  it('adds a password, then changes the first one, without touching the data', async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'kept across password changes\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);

    await cairnOk(['key', 'add', '--repo', repo], {
      env: { CAIRN_NEW_PASSWORD: 'second password' },
    });
    const both = JSON.parse(
      (
        await cairnOk(['key', 'list', '--repo', repo, '--json'], {
          env: { CAIRN_PASSWORD: 'second password' },
        })
      ).stdout,
    );
    expect(both).toHaveLength(2);
    await cairnOk(['snapshots', '--repo', repo]);

    await cairnOk(['key', 'passwd', '--repo', repo], {
      env: { CAIRN_NEW_PASSWORD: 'third password' },
    });
    expect((await cairn(['snapshots', '--repo', repo])).code).toBe(12);
    const out = path.join(dir, 'out');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo], {
      env: { CAIRN_PASSWORD: 'third password' },
    });
    await cairnOk(['check', '--repo', repo, '--read-data'], {
      env: { CAIRN_PASSWORD: 'second password' },
    });

    // Remove the second password's key, opened with the third: the second no longer opens it.
    const third = { env: { CAIRN_PASSWORD: 'third password' } };
    const keys = JSON.parse(
      (await cairnOk(['key', 'list', '--repo', repo, '--json'], third)).stdout,
    ) as { id: string; current: boolean }[];
    const other = keys.find((k) => !k.current)!;
    const mine = keys.find((k) => k.current)!;
    const own = await cairn(['key', 'remove', mine.id.slice(0, 8), '--repo', repo], third);
    expect(own.code).toBe(1);
    expect(own.stderr.trim()).toBe(
      `cairn: key ${mine.id.slice(0, 8)} is the one this password opens; remove it with another password (or change it with cairn key passwd)`,
    );
    const removed = await cairnOk(['key', 'remove', other.id.slice(0, 8), '--repo', repo], third);
    expect(removed.stdout).toBe(
      `removed key ${other.id.slice(0, 8)}; its password no longer opens the repository\n`,
    );
    expect(
      (await cairn(['snapshots', '--repo', repo], { env: { CAIRN_PASSWORD: 'second password' } }))
        .code,
    ).toBe(12);
    await cairnOk(['check', '--repo', repo], third);
  });

  it('refuses a repository of a newer format, naming the versions', async () => {
    const newer = path.join(dir, 'newer');
    await cairnOk(['init', '--repo', newer]);
    const opened = await Repository.open(new LocalTarget(newer), 'correct horse battery staple');
    await opened.target.save(
      'config',
      'config',
      sealJson(opened.key.encrypt, { ...opened.config, version: 2 }),
    );
    const res = await cairn(['snapshots', '--repo', newer]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(
      `cairn: repository at ${newer} uses format version 2; this Cairn reads up to 1 — upgrade Cairn`,
    );
  });
});
