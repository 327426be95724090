/**
 * Which snapshots count as incomplete for `forget`: a failed API endpoint (docs/repository-format.md, "API data in a snapshot": its
 * records are carried over, so the snapshot must not take a complete one's place), but not a
 * folder backup that skipped an unreadable file, which restores everything else and is kept by
 * the count rules like any other, as restic keeps it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceRef } from '../../shared/domain.js';
import { forgetSnapshots } from '../../electron/engine/forget/forget.js';
import { Repository } from '../../electron/engine/repository/repository.js';
import { LocalTarget } from '../../electron/engine/targets/local-target.js';
import { craftSnapshot } from '../helpers/crafted-snapshot.js';
import { tempDir } from '../helpers/temp-dir.js';

const FOLDER: SourceRef = { kind: 'folder', path: '/home/ann/Documents', name: 'Documents' };
const API: SourceRef = { kind: 'api', source: 'crm', name: 'crm' };

/** Seven daily snapshots at noon UTC, 1–7 November; days 2, 4 and 6 incomplete. */
async function sevenDays(repo: Repository, source: SourceRef): Promise<Map<string, number>> {
  const dayOf = new Map<string, number>();
  for (let day = 1; day <= 7; day++) {
    const incomplete = day % 2 === 0;
    const snap = await craftSnapshot(repo, {
      time: `2026-11-0${day}T12:00:00Z`,
      group: `laptop:${source.name}`,
      paths: source.kind === 'folder' ? [source.path] : [],
      sources: [source],
      tree: '0'.repeat(64),
      incomplete,
      incomplete_reasons: incomplete ? ['1 file could not be read'] : [],
    });
    dayOf.set(snap.id, day);
  }
  return dayOf;
}

describe('forget and incomplete snapshots', () => {
  const dir = tempDir();

  async function keptDays(source: SourceRef): Promise<number[]> {
    const target = new LocalTarget(path.join(dir, source.kind));
    const repo = await Repository.init(target, 'pw');
    try {
      const dayOf = await sevenDays(repo, source);
      const result = await forgetSnapshots(repo, {
        rules: { keepDaily: 7 },
        dryRun: true,
        timeZone: 'UTC',
      });
      return result.groups
        .flatMap((g) => g.keep.map((k) => dayOf.get(k.snapshot.id)!))
        .sort((a, b) => a - b);
    } finally {
      await repo.close();
    }
  }

  it('keeps a folder snapshot with unreadable files by the count rules, like any other', async () => {
    expect(await keptDays(FOLDER)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('does not let an API snapshot with a failed endpoint take a complete one’s place', async () => {
    // Days 2, 4, 6 fill no daily bucket; 1, 3, 5, 7 do, and only 7 days are asked for.
    expect(await keptDays(API)).toEqual([1, 3, 5, 7]);
  });
});
