/**
 * Tree blobs describe one folder: sealed JSON `{ "nodes": [ Node, … ] }`, nodes sorted by name
 * (UTF-16 code unit order, as JavaScript sorts strings). A snapshot's root tree holds one node
 * per backed-up folder (`src`, `src-2`, …) and, for API data, `api`.
 *
 * Node fields: name, type, mode (permission bits), mtime_ns and ctime_ns (decimal strings;
 * ctime only for change detection, never restored), size (files),
 * uid, gid, inode and device (decimal strings; for change detection and hard links), links
 * (link count), content (blob ids, files), subtree (tree blob id, folders), link_target
 * (symlinks).
 */
import type { NodeType } from '../../../shared/domain.js';

export interface TreeNode {
  name: string;
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
