/**
 * A flipped byte in a pack: `check --read-data` finds it and names the pack, the snapshot and
 * the paths that depend on it; restoring the damaged file names it instead of writing wrong
 * bytes; other snapshots stay restorable.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

function packFiles(repo: string): string[] {
  const data = path.join(repo, 'data');
  return readdirSync(data).flatMap((d) =>
    readdirSync(path.join(data, d)).map((f) => path.join(data, d, f)),
  );
}

describe('a damaged pack', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');

  it('is found by check --read-data, named with its snapshot and paths, and other snapshots still restore', async () => {
    const photos = path.join(dir, 'photos');
    const music = path.join(dir, 'music');
    mkdirSync(photos);
    mkdirSync(music);
    writeFileSync(path.join(photos, 'holiday.jpg'), randomBytes(3 * 1024 * 1024));
    writeFileSync(path.join(music, 'song.flac'), randomBytes(3 * 1024 * 1024));
    await cairnOk(['init', '--repo', repo]);
    const first = JSON.parse(
      (await cairnOk(['backup', photos, '--repo', repo, '--json'])).stdout,
    ).snapshot;
    const packsBefore = new Set(packFiles(repo));
    const second = JSON.parse(
      (await cairnOk(['backup', music, '--repo', repo, '--json'])).stdout,
    ).snapshot;
    // The song's data: the largest new pack (the snapshot's trees get a small one of their own).
    const musicPack = packFiles(repo)
      .filter((p) => !packsBefore.has(p))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;

    expect((await cairnOk(['check', '--repo', repo, '--read-data'])).stdout).toMatch(/no errors/);

    // Flip one byte in the middle of the music pack (inside the song's data).
    const bytes = readFileSync(musicPack);
    const at = Math.floor(statSync(musicPack).size / 2);
    bytes[at] = bytes[at]! ^ 0x40;
    writeFileSync(musicPack, bytes);
    const packId = path.basename(musicPack);

    const res = await cairn(['check', '--repo', repo, '--read-data']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`pack ${packId.slice(0, 12)} is damaged`);
    expect(res.stdout).toContain(`affects snapshots ${second.short_id}`);
    expect(res.stdout).toContain('depends on it: /music/song.flac');
    expect(res.stdout).not.toContain(first.short_id);
    expect(res.stderr).toMatch(/has \d+ problem/);

    const json = JSON.parse(
      (await cairn(['check', '--repo', repo, '--read-data', '--json'])).stdout,
    );
    expect(json.ok).toBe(false);
    expect(json.problems).toEqual([
      expect.objectContaining({
        kind: 'pack',
        id: packId,
        snapshots: [second.short_id],
        paths: ['/music/song.flac'],
      }),
    ]);

    // Restoring the damaged file names it, and writes no wrong bytes (exit 3: done, incomplete).
    const bad = await cairn([
      'restore',
      second.id,
      '--target',
      path.join(dir, 'bad'),
      '--repo',
      repo,
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(
      /^damaged: \/music\/song\.flac: .*(damaged or altered|does not match)/m,
    );
    expect(readdirSync(path.join(dir, 'bad', 'music'))).toEqual([]);

    // The other snapshot is untouched and restores byte for byte.
    const good = path.join(dir, 'good');
    await cairnOk(['restore', first.id, '--target', good, '--repo', repo]);
    expect(
      readFileSync(path.join(good, 'photos/holiday.jpg')).equals(
        readFileSync(path.join(photos, 'holiday.jpg')),
      ),
    ).toBe(true);
  });
});
