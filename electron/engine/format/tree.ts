/**
 * Tree blobs describe one folder: sealed JSON `{ "nodes": [ Node, … ] }`, nodes sorted by name
 * (UTF-16 code unit order, as JavaScript sorts strings). A snapshot's root tree holds one node
 * per backed-up folder (`src`, `src-2`, …) and, for API data, `api`.
 *
 * Node fields: name, type, mode (permission bits), mtime_ns and ctime_ns (decimal strings;
 * ctime only for change detection, never restored), size (files),
 * uid, gid, inode and device (decimal strings; for change detection and hard links), links
 * (link count), content (blob ids, files), subtree (tree blob id, folders), link_target
 * (symlinks); name_raw and link_target_raw (base64) only for a name or target that is not valid
 * UTF-8, whose `name` / `link_target` is then a readable escaped form (raw-name.ts).
 */
import type { NodeType } from '../../../shared/domain.js';

export interface TreeNode {
  /** Unique in its folder; for a name that is not UTF-8, the escaped form (raw-name.ts). */
  name: string;
  /** The exact bytes of a name that is not valid UTF-8, base64. */
  name_raw?: string;
  type: NodeType;
  mode: number;
  mtime_ns: string;
  /** Absent in trees written before Cairn stored it. */
  ctime_ns?: string;
  size?: number;
  uid?: number;
  gid?: number;
  inode?: string;
  device?: string;
  links?: number;
  content?: string[];
  subtree?: string;
  link_target?: string;
  /** The exact bytes of a link target that is not valid UTF-8, base64. */
  link_target_raw?: string;
}

export interface Tree {
  nodes: TreeNode[];
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function mtimeToIso(mtimeNs: string): string {
  const ns = BigInt(mtimeNs);
  const ms = Number(ns / 1_000_000n);
  return new Date(ms).toISOString();
}
