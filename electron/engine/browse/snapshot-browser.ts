/**
 * Reading a snapshot's tree by path: `ls`, the UI's browser and previews. Every node is checked
 * before it is used: a malformed one (a crafted or damaged tree) is a clear error naming its
 * path, never a parser's exception.
 */
import type { ListEntry } from '../../../shared/domain.js';
import { CairnError } from '../errors.js';
import { mtimeToIso, type Tree, type TreeNode } from '../format/tree.js';
import { nodeProblem } from '../format/tree-check.js';
import type { Repository } from '../repository/repository.js';
import { splitSnapshotPath } from '../restore/safe-name.js';

function checked(node: TreeNode, p: string): TreeNode {
  const problem = nodeProblem(node);
  if (problem !== undefined)
    throw new CairnError('corrupt', `${p} is malformed in the snapshot: ${problem}`);
  return node;
}

/** A folder's tree; damage is reported with the folder's path. */
async function treeAt(repo: Repository, id: string, p: string): Promise<Tree> {
  try {
    return await repo.loadTree(id);
  } catch (err) {
    if (err instanceof CairnError && err.kind === 'corrupt')
      throw new CairnError('corrupt', `${p} cannot be read: ${err.message}`);
    throw err;
  }
}

function toEntry(node: TreeNode, p: string): ListEntry {
  checked(node, p);
  const entry: ListEntry = {
    path: p,
    name: node.name,
    type: node.type,
    size: node.size ?? 0,
    mode: node.mode,
    mtime: mtimeToIso(node.mtime_ns),
  };
  if (node.link_target !== undefined) entry.link_target = node.link_target;
  return entry;
}

/** The node at a snapshot path; the root ('/') is a synthetic folder. */
export async function nodeAt(
  repo: Repository,
  rootTree: string,
  snapshotPath: string,
): Promise<TreeNode> {
  const parts = splitSnapshotPath(snapshotPath);
  if (!parts)
    throw new CairnError('invalid-argument', `${snapshotPath} is not a valid snapshot path`);
  let node: TreeNode = { name: '', type: 'dir', mode: 0o755, mtime_ns: '0', subtree: rootTree };
  for (let i = 0; i < parts.length; i++) {
    if (node.type !== 'dir' || !node.subtree)
      throw new CairnError('path-not-found', `${snapshotPath} is not in the snapshot`);
    const folder = '/' + parts.slice(0, i).join('/');
    const next = (await treeAt(repo, node.subtree, folder)).nodes.find((n) => n.name === parts[i]);
    if (!next) throw new CairnError('path-not-found', `${snapshotPath} is not in the snapshot`);
    node = checked(next, '/' + parts.slice(0, i + 1).join('/'));
  }
  return node;
}

export async function listPath(
  repo: Repository,
  rootTree: string,
  snapshotPath: string,
  recursive: boolean,
): Promise<ListEntry[]> {
  const base = '/' + (splitSnapshotPath(snapshotPath) ?? []).join('/');
  const node = await nodeAt(repo, rootTree, snapshotPath);
  if (node.type !== 'dir') return [toEntry(node, base)];
  const out: ListEntry[] = [];
  const walk = async (treeId: string, prefix: string): Promise<void> => {
    for (const child of (await treeAt(repo, treeId, prefix)).nodes) {
      const p = prefix === '/' ? `/${child.name}` : `${prefix}/${child.name}`;
      out.push(toEntry(child, p));
      if (recursive && child.type === 'dir' && child.subtree) await walk(child.subtree, p);
    }
  };
  if (node.subtree) await walk(node.subtree, base);
  return out;
}

/** Reads [offset, offset+length) of a file in a snapshot, loading only the chunks needed. */
export async function readRange(
  repo: Repository,
  rootTree: string,
  snapshotPath: string,
  range: { offset: number; length: number },
): Promise<Buffer> {
  const node = await nodeAt(repo, rootTree, snapshotPath);
  if (node.type !== 'file')
    throw new CairnError('invalid-argument', `${snapshotPath} is not a file`);
  const out: Buffer[] = [];
  let pos = 0;
  const end = range.offset + range.length;
  for (const id of node.content ?? []) {
    if (pos >= end) break;
    const loc = repo.index.lookup(id);
    const len = loc?.raw_length ?? 0;
    if (loc && pos + len <= range.offset) {
      pos += len;
      continue;
    }
    const data = await repo.loadBlob(id);
    const from = Math.max(0, range.offset - pos);
    const to = Math.min(data.length, end - pos);
    if (to > from) out.push(data.subarray(from, to));
    pos += data.length;
  }
  return Buffer.concat(out);
}
