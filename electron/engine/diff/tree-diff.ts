/**
 * Compares two snapshot trees folder by folder without reading any file content: a folder whose
 * subtree id is the same on both sides is skipped unread, and a file whose list of chunk ids is
 * the same is unchanged. What differs becomes an EntryChange; endpoint files of API sources
 * (`/api/<source>/<endpoint>.ndjson`) whose content differs are handed on for a record diff.
 */
import type { TreeNode } from '../format/tree.js';
import { compareNames } from '../format/tree.js';
import type { DiffReader } from './diff-reader.js';
import type { DiffSummary, EntryChange, EntryChangeKind, EntryState } from './diff-report.js';
import type { ProgressMeter } from '../util/progress-meter.js';

/** An endpoint file whose records must be compared; a missing side means none there. */
export interface EndpointPair {
  source: string;
  endpoint: string;
  path: string;
  a: TreeNode | undefined;
  b: TreeNode | undefined;
  /** The `<endpoint>.meta.json` files beside it (they say which path holds the ids). */
  metaA: TreeNode | undefined;
  metaB: TreeNode | undefined;
}

export function emptySummary(): DiffSummary {
  return {
    files_added: 0,
    files_removed: 0,
    files_modified: 0,
    dirs_added: 0,
    dirs_removed: 0,
    type_changed: 0,
    metadata_changed: 0,
    bytes_added: 0,
    bytes_removed: 0,
    bytes_modified_delta: 0,
    records_added: 0,
    records_removed: 0,
    records_changed: 0,
  };
}

export class TreeDiff {
  readonly entries: EntryChange[] = [];
  readonly endpoints: EndpointPair[] = [];

  constructor(
    private readonly reader: DiffReader,
    /** Names of the API sources of either snapshot: their files live in `/api/<source>/`. */
    private readonly apiSources: ReadonlySet<string>,
    private readonly summary: DiffSummary,
    private readonly meter: ProgressMeter,
  ) {}

  async compare(rootA: string, rootB: string): Promise<void> {
    await this.folder(rootA, rootB, []);
  }

  private async folder(
    treeA: string | undefined,
    treeB: string | undefined,
    parts: string[],
  ): Promise<void> {
    if (treeA === treeB) return;
    const a = treeA ? sortedNodes((await this.reader.tree(treeA)).nodes) : [];
    const b = treeB ? sortedNodes((await this.reader.tree(treeB)).nodes) : [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const order = i >= a.length ? 1 : j >= b.length ? -1 : compareNames(a[i]!.name, b[j]!.name);
      const nodeA = order <= 0 ? a[i++] : undefined;
      const nodeB = order >= 0 ? b[j++] : undefined;
      await this.entry(nodeA, nodeB, parts, a, b);
    }
  }

  private async entry(
    a: TreeNode | undefined,
    b: TreeNode | undefined,
    parts: string[],
    siblingsA: TreeNode[],
    siblingsB: TreeNode[],
  ): Promise<void> {
    const name = (a ?? b)!.name;
    const here = [...parts, name];
    const path = '/' + here.join('/');
    this.reader.checkCancelled();
    this.meter.files++;
    this.meter.current = path;
    this.meter.emit();
    const endpoint = this.endpointName(here);
    if (
      endpoint !== undefined &&
      (a?.type ?? 'file') === 'file' &&
      (b?.type ?? 'file') === 'file'
    ) {
      if (!a || !b || !sameList(a.content, b.content)) {
        const meta = `${endpoint}.meta.json`;
        this.endpoints.push({
          source: here[1]!,
          endpoint,
          path,
          a,
          b,
          metaA: siblingsA.find((n) => n.name === meta),
          metaB: siblingsB.find((n) => n.name === meta),
        });
      }
    }
    if (!a) return this.added(b!, here);
    if (!b) return this.removed(a, here);
    if (a.type !== b.type) {
      this.push(path, 'type', ['type'], a, b);
      this.summary.type_changed++;
      if (a.type === 'dir') await this.folder(a.subtree, undefined, here);
      if (b.type === 'dir') await this.folder(undefined, b.subtree, here);
      return;
    }
    const changed: string[] = [];
    if (a.type === 'file' && !sameList(a.content, b.content)) changed.push('content');
    if (a.type === 'symlink' && a.link_target !== b.link_target) changed.push('link_target');
    if (a.mode !== b.mode) changed.push('mode');
    // A folder's mtime moves whenever something in it does; API files get the backup's time.
    if (a.type !== 'dir' && !this.inApiSource(here) && a.mtime_ns !== b.mtime_ns)
      changed.push('mtime');
    if (a.uid !== b.uid || a.gid !== b.gid) changed.push('owner');
    if (changed.length > 0) {
      const content = changed.includes('content') || changed.includes('link_target');
      this.push(path, content ? 'modified' : 'metadata', changed, a, b);
      if (content) {
        this.summary.files_modified++;
        this.summary.bytes_modified_delta += (b.size ?? 0) - (a.size ?? 0);
      } else {
        this.summary.metadata_changed++;
      }
    }
    if (a.type === 'dir') await this.folder(a.subtree, b.subtree, here);
  }

  private async added(node: TreeNode, here: string[]): Promise<void> {
    this.push('/' + here.join('/'), 'added', [], undefined, node);
    if (node.type === 'dir') {
      this.summary.dirs_added++;
      await this.folder(undefined, node.subtree, here);
    } else {
      this.summary.files_added++;
      this.summary.bytes_added += node.size ?? 0;
    }
  }

  private async removed(node: TreeNode, here: string[]): Promise<void> {
    this.push('/' + here.join('/'), 'removed', [], node, undefined);
    if (node.type === 'dir') {
      this.summary.dirs_removed++;
      await this.folder(node.subtree, undefined, here);
    } else {
      this.summary.files_removed++;
      this.summary.bytes_removed += node.size ?? 0;
    }
  }

  private push(
    path: string,
    change: EntryChangeKind,
    changed: string[],
    a: TreeNode | undefined,
    b: TreeNode | undefined,
  ): void {
    this.entries.push({
      path,
      change,
      changed,
      before: a ? entryState(a) : null,
      after: b ? entryState(b) : null,
    });
  }

  private inApiSource(here: string[]): boolean {
    return here.length >= 2 && here[0] === 'api' && this.apiSources.has(here[1]!);
  }

  /** `items` for `/api/<source>/items.ndjson`, else undefined. */
  private endpointName(here: string[]): string | undefined {
    if (here.length !== 3 || !this.inApiSource(here)) return undefined;
    const name = here[2]!;
    return name.endsWith('.ndjson') ? name.slice(0, -'.ndjson'.length) : undefined;
  }
}

function sortedNodes(nodes: TreeNode[]): TreeNode[] {
  for (let i = 1; i < nodes.length; i++) {
    if (compareNames(nodes[i - 1]!.name, nodes[i]!.name) > 0)
      return [...nodes].sort((x, y) => compareNames(x.name, y.name));
  }
  return nodes;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((id, i) => id === y[i]);
}

export function entryState(node: TreeNode): EntryState {
  return {
    type: node.type,
    size: node.size ?? 0,
    mode: node.mode,
    mtime: nanoTime(node.mtime_ns),
    ...(node.uid !== undefined ? { uid: node.uid } : {}),
    ...(node.gid !== undefined ? { gid: node.gid } : {}),
    ...(node.link_target !== undefined ? { link_target: node.link_target } : {}),
  };
}

/** RFC 3339 in UTC with as many fraction digits as the time needs (up to nanoseconds). */
export function nanoTime(mtimeNs: string): string {
  const ns = BigInt(mtimeNs);
  let seconds = ns / 1_000_000_000n;
  let fraction = ns % 1_000_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000_000n;
    seconds -= 1n;
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const digits =
    fraction === 0n ? '' : '.' + fraction.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${digits}Z`;
}
