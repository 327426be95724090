/**
 * One damaged index file (a flipped byte, or cut short) stays contained: packs describe
 * themselves, so Cairn warns once, reads the headers of the packs no readable index file
 * describes, and restores, backs up (reusing what those packs hold, losing nothing) and prunes
 * as before. `repair index` rebuilds the index from the packs (its dry run changes nothing);
 * a repair killed between writing the new index and removing the old leaves a usable
 * repository; afterwards check --read-data is clean and nothing warns.
 */
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

function indexFiles(repo: string): string[] {
  return readdirSync(path.join(repo, 'index')).sort();
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** A repository with two snapshots of `src`; returns the first backup's index file. */
async function repositoryWithHistory(
  run: string,
): Promise<{ repo: string; src: string; first: string }> {
  const repo = path.join(run, 'repo');
  const src = path.join(run, 'src');
  mkdirSync(path.join(src, 'docs'), { recursive: true });
  await cairnOk(['init', '--repo', repo]);
  writeFileSync(path.join(src, 'a.bin'), randomBytes(3 * MiB));
  writeFileSync(path.join(src, 'docs', 'note.txt'), 'first\n');
  await cairnOk(['backup', src, '--repo', repo]);
  const [first] = indexFiles(repo);
  writeFileSync(path.join(src, 'b.bin'), randomBytes(MiB));
  await cairnOk(['backup', src, '--repo', repo]);
  return { repo, src, first: first! };
}

function warningFor(id: string): string {
  return `warning: index file ${id.slice(0, 12)}… is damaged; reading pack headers instead — run \`cairn repair index\``;
}

describe('a damaged index file', () => {
  const dir = tempDir();

  it('is read around: restore gives exact bytes, a new backup loses nothing, prune works', async () => {
    const run = path.join(dir, 'flipped');
    const { repo, src, first } = await repositoryWithHistory(run);
    const file = path.join(repo, 'index', first);
    const bytes = readFileSync(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(file, bytes);
    const warning = warningFor(first);

    const out = path.join(run, 'out');
    const restored = await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(count(restored.stderr, warning)).toBe(1);
    expect(describeTree(path.join(out, 'src'))).toEqual(describeTree(src));

    // A copy of a.bin is all chunks the damaged index described: reused from the pack headers.
    copyFileSync(path.join(src, 'a.bin'), path.join(src, 'a-copy.bin'));
    writeFileSync(path.join(src, 'docs', 'note.txt'), 'third\n');
    const third = await cairnOk(['backup', src, '--repo', repo, '--json']);
    expect(count(third.stderr, warning)).toBe(1);
    const report = JSON.parse(third.stdout);
    expect(report.snapshot.stats.bytes_added).toBeLessThan(MiB);
    expect(report.repository_warnings).toEqual([
      expect.objectContaining({ kind: 'index', id: first }),
    ]);
    const out3 = path.join(run, 'out3');
    await cairnOk(['restore', 'latest', '--target', out3, '--repo', repo]);
    expect(describeTree(path.join(out3, 'src'))).toEqual(describeTree(src));

    await cairnOk(['forget', '--repo', repo, '--keep-last', '1']);
    const pruned = await cairnOk(['prune', '--repo', repo]);
    expect(count(pruned.stderr, warning)).toBe(1);
    const out4 = path.join(run, 'out4');
    await cairnOk(['restore', 'latest', '--target', out4, '--repo', repo]);
    expect(describeTree(path.join(out4, 'src'))).toEqual(describeTree(src));
    // Prune writes one index describing every kept pack: the damaged file went with the rest.
    const checked = await cairnOk(['check', '--repo', repo, '--read-data']);
    expect(checked.stdout).toMatch(/no errors/);
    expect(checked.stderr).toBe('');
  });

  it('is named by check and rebuilt by repair index; a repair killed half-way leaves a usable repository', async () => {
    const run = path.join(dir, 'truncated');
    const { repo, src, first } = await repositoryWithHistory(run);
    truncateSync(path.join(repo, 'index', first), 40);

    const checked = await cairn(['check', '--repo', repo, '--read-data']);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(`error: index file ${first.slice(0, 12)} is damaged`);
    expect(checked.stdout).toMatch(/: 1 problem\(s\)/);

    const before = indexFiles(repo);
    const dry = await cairnOk(['repair', 'index', '--repo', repo, '--dry-run']);
    expect(dry.stdout).toContain(`index file ${first.slice(0, 12)} is damaged`);
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect(indexFiles(repo)).toEqual(before);

    // Killed once every new index file is written and before any old one is removed.
    const killed = await killOnProgress(
      ['repair', 'index', '--repo', repo],
      (p) => p.phase === 'finishing' && p.files_done === 1,
    );
    expect(killed.killed).toBe(true);
    expect(indexFiles(repo).length).toBe(before.length + 1);
    const out = path.join(run, 'out-killed');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(describeTree(path.join(out, 'src'))).toEqual(describeTree(src));

    const repaired = await cairnOk(['repair', 'index', '--repo', repo, '--json']);
    const report = JSON.parse(repaired.stdout);
    expect(report.damaged_index_files).toEqual([expect.objectContaining({ id: first })]);
    expect(report.damaged_packs).toEqual([]);
    expect(report.index_files_written).toBe(1);
    expect(indexFiles(repo)).not.toContain(first);
    expect(indexFiles(repo).length).toBe(1);

    const clean = await cairnOk(['check', '--repo', repo, '--read-data']);
    expect(clean.stdout).toMatch(/no errors/);
    expect(clean.stderr).toBe('');
    const out2 = path.join(run, 'out-repaired');
    const restored = await cairnOk(['restore', 'latest', '--target', out2, '--repo', repo]);
    expect(restored.stderr).toBe('');
    expect(describeTree(path.join(out2, 'src'))).toEqual(describeTree(src));
  });
});
