/**
 * `--read-data-subset N%`: each run reads the next N% of packs (sorted by id) after where the
 * previous run stopped, so repeated runs cover the whole repository. The position lives in
 * Cairn's local state folder, per repository, and moves only once the packs were read: a check
 * cancelled or failed part way reads the same packs next time.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Repository } from '../repository/repository.js';
import { cairnHome, stateDir } from '../util/paths.js';
import { placeFailure } from '../util/write-failure.js';

export interface PacksToRead {
  chosen: string[];
  /** Records that the chosen packs were read, so the next run starts after them. */
  done(): Promise<void>;
}

export async function choosePacksToRead(
  repo: Repository,
  sortedPacks: string[],
  percent: number,
): Promise<PacksToRead> {
  if (sortedPacks.length === 0) return { chosen: [], done: async () => undefined };
  const count = Math.max(1, Math.ceil((sortedPacks.length * percent) / 100));
  const file = path.join(stateDir(), `check-${repo.config.id.slice(0, 16)}.json`);
  let after = '';
  try {
    after = (JSON.parse(await fs.readFile(file, 'utf8')) as { after: string }).after ?? '';
  } catch {
    // First run, or unreadable state: start from the beginning.
  }
  let start = sortedPacks.findIndex((p) => p > after);
  if (start < 0) start = 0;
  const chosen: string[] = [];
  for (let i = 0; i < Math.min(count, sortedPacks.length); i++)
    chosen.push(sortedPacks[(start + i) % sortedPacks.length]!);
  const done = async (): Promise<void> => {
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, JSON.stringify({ after: chosen.at(-1) }));
    } catch (err) {
      throw placeFailure(
        err,
        { kind: 'cairn-home', at: cairnHome() },
        'saving where check stopped',
      );
    }
  };
  return { chosen, done };
}
