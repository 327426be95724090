/**
 * One damaged snapshot file (a flipped byte in snapshots/<id>) stays contained: it is named in
 * a one-line warning and skipped, and every other snapshot lists, restores, and takes part in
 * forget and prune; check names it; `repair snapshots` removes it (its --dry-run changes
 * nothing), after which check is clean.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

interface SnapshotJson {
  id: string;
  short_id: string;
}

function flipByte(file: string): void {
  const bytes = readFileSync(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x20;
  writeFileSync(file, bytes);
}

async function backup(src: string, repo: string): Promise<SnapshotJson> {
  return JSON.parse((await cairnOk(['backup', src, '--repo', repo, '--json'])).stdout).snapshot;
}

describe('a damaged snapshot file', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'src');
  const other = path.join(dir, 'other');
  let damagedId = '';

  it('is skipped with a warning while every other snapshot lists, restores, is forgotten and pruned', async () => {
    mkdirSync(src);
    mkdirSync(other);
    await cairnOk(['init', '--repo', repo]);
    writeFileSync(path.join(src, 'a.bin'), randomBytes(2 * MiB));
    const first = await backup(src, repo);
    writeFileSync(path.join(src, 'b.txt'), 'second\n');
    const damaged = await backup(src, repo);
    writeFileSync(path.join(src, 'c.bin'), randomBytes(MiB));
    const third = await backup(src, repo);
    const thirdTree = describeTree(src);
    writeFileSync(path.join(other, 'd.bin'), randomBytes(MiB));
    const fourth = await backup(other, repo);
    const otherTree = describeTree(other);

    flipByte(path.join(repo, 'snapshots', damaged.id));
    damagedId = damaged.id;
    const warning = `warning: snapshot file ${damaged.short_id}… is damaged and was skipped; \`cairn repair snapshots\` removes it`;

    const listed = await cairnOk(['snapshots', '--repo', repo]);
    expect(listed.stderr.trim()).toBe(warning);
    for (const s of [first, third, fourth]) expect(listed.stdout).toContain(s.short_id);
    expect(listed.stdout).not.toContain(damaged.short_id);
    const json = await cairnOk(['snapshots', '--repo', repo, '--json']);
    expect(JSON.parse(json.stdout).map((s: SnapshotJson) => s.id)).toEqual([
      first.id,
      third.id,
      fourth.id,
    ]);
    expect(json.stderr.trim()).toBe(warning);

    const ls = await cairnOk(['ls', third.id, '--repo', repo]);
    expect(ls.stdout.split('\n')).toContain('/src/c.bin');
    expect(ls.stderr.trim()).toBe(warning);

    // `latest` of the repository is still found, and restores exactly.
    const out = path.join(dir, 'out-latest');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(describeTree(path.join(out, 'other'))).toEqual(otherTree);
    const out3 = path.join(dir, 'out-third');
    await cairnOk(['restore', third.short_id, '--target', out3, '--repo', repo]);
    expect(describeTree(path.join(out3, 'src'))).toEqual(thirdTree);

    // Asked for by name, the damaged snapshot is reported as damaged, not as unknown.
    const asked = await cairn(['restore', damaged.short_id, '--target', out, '--repo', repo]);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain(`cairn: snapshot ${damaged.short_id} is damaged`);

    const checked = await cairn(['check', '--repo', repo]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(
      `error: snapshot file ${damaged.id.slice(0, 12)} is damaged (does not match its name); \`cairn repair snapshots\` removes it`,
    );
    expect(checked.stdout).toMatch(/checked 3 snapshot\(s\).*: 1 problem\(s\)/);

    const forgot = await cairnOk(['forget', '--repo', repo, '--keep-last', '1', '--json']);
    const forgotten = JSON.parse(forgot.stdout);
    expect(forgotten.removed).toEqual([first.id]);
    expect(forgotten.repository_warnings).toEqual([
      expect.objectContaining({ kind: 'snapshot', id: damaged.id }),
    ]);
    expect(forgot.stderr.trim()).toBe(warning);

    const pruned = await cairnOk(['prune', '--repo', repo]);
    expect(pruned.stdout).toContain(
      `prune: 1 damaged snapshot file(s) left out (${damaged.short_id}); data only they used was freed`,
    );
    const afterPrune = path.join(dir, 'out-after-prune');
    await cairnOk(['restore', third.id, '--target', afterPrune, '--repo', repo]);
    expect(describeTree(path.join(afterPrune, 'src'))).toEqual(thirdTree);
  });

  it('is removed by repair snapshots (its dry run changes nothing), after which check is clean', async () => {
    const snapshotsDir = path.join(repo, 'snapshots');
    const before = readdirSync(snapshotsDir).sort();
    expect(before).toContain(damagedId);

    const dry = await cairnOk(['repair', 'snapshots', '--repo', repo, '--dry-run']);
    expect(dry.stdout).toContain(
      `snapshot file ${damagedId.slice(0, 8)} is damaged (does not match its name): would be removed`,
    );
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect(readdirSync(snapshotsDir).sort()).toEqual(before);

    const repaired = await cairnOk(['repair', 'snapshots', '--repo', repo, '--json']);
    const report = JSON.parse(repaired.stdout);
    expect(report.damaged_snapshot_files).toEqual([
      { id: damagedId, reason: 'does not match its name' },
    ]);
    expect(report.repaired).toEqual([]);
    expect(readdirSync(snapshotsDir).sort()).toEqual(before.filter((id) => id !== damagedId));

    const checked = await cairnOk(['check', '--repo', repo, '--read-data']);
    expect(checked.stdout).toMatch(/no errors/);
    expect(checked.stderr).toBe('');
    expect((await cairnOk(['snapshots', '--repo', repo])).stderr).toBe('');
  });
});
