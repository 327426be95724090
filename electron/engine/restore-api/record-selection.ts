/**
 * Which stored records a restore sends: all of an endpoint, chosen ids, those new or changed
 * since another snapshot, or those deleted since it. Stored files are sorted by key, so the
 * comparisons with another snapshot are one merge of two streams: memory stays flat whatever
 * the number of records.
 */
import { CairnError } from '../errors.js';
import type { TreeNode } from '../format/tree.js';
import { nodeAt } from '../browse/snapshot-browser.js';
import type { Repository } from '../repository/repository.js';
import type { SortedRecord } from '../sources/api/external-record-sorter.js';
import { compareKeys, type RecordId } from '../sources/api/record-key.js';
import type { RecordPath } from '../sources/api/record-path.js';
import { readStoredRecords } from '../sources/api/stored-records.js';

export type Selection =
  | { kind: 'all' }
  | { kind: 'ids'; ids: ReadonlySet<string> }
  /** Records of the restored file that the other file lacks or holds differently. */
  | { kind: 'changed'; other: TreeNode | undefined }
  /** Records of the other file that the restored file lacks (they come from the other file). */
  | { kind: 'deleted'; other: TreeNode | undefined };

/** An id as the user types it and as id maps key it. */
export function idText(id: RecordId): string {
  return String(id);
}

/** The endpoint file of a snapshot, or undefined when the snapshot has none. */
export async function endpointFile(
  repo: Repository,
  tree: string,
  source: string,
  endpoint: string,
): Promise<TreeNode | undefined> {
  try {
    const node = await nodeAt(repo, tree, `/api/${source}/${endpoint}.ndjson`);
    return node.type === 'file' ? node : undefined;
  } catch (err) {
    if (err instanceof CairnError && err.kind === 'path-not-found') return undefined;
    throw err;
  }
}

export async function* storedRecords(
  repo: Repository,
  node: TreeNode | undefined,
  idPath: RecordPath,
): AsyncGenerator<SortedRecord> {
  if (!node) return;
  yield* readStoredRecords(content(repo, node), idPath);
}

async function* content(repo: Repository, node: TreeNode): AsyncGenerator<Uint8Array> {
  for (const id of node.content ?? []) yield await repo.loadBlob(id);
}

export async function* selectRecords(
  repo: Repository,
  file: TreeNode | undefined,
  selection: Selection,
  idPath: RecordPath,
): AsyncGenerator<SortedRecord> {
  const mine = storedRecords(repo, file, idPath);
  switch (selection.kind) {
    case 'all':
      yield* mine;
      return;
    case 'ids':
      for await (const record of mine) if (selection.ids.has(idText(record.key.id))) yield record;
      return;
    case 'changed':
      yield* onlyIn(mine, storedRecords(repo, selection.other, idPath), true);
      return;
    case 'deleted':
      yield* onlyIn(storedRecords(repo, selection.other, idPath), mine, false);
      return;
  }
}

/** Records of `a` whose key `b` lacks, and (when `orChanged`) those `b` holds as another line. */
async function* onlyIn(
  a: AsyncGenerator<SortedRecord>,
  b: AsyncGenerator<SortedRecord>,
  orChanged: boolean,
): AsyncGenerator<SortedRecord> {
  let other = await b.next();
  for await (const record of a) {
    while (!other.done && compareKeys(other.value.key, record.key) < 0) other = await b.next();
    if (other.done || compareKeys(other.value.key, record.key) !== 0) yield record;
    else if (orChanged && other.value.line !== record.line) yield record;
  }
  await b.return(undefined);
}
