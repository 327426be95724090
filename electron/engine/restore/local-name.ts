/**
 * What a node becomes on disk: a name that was not UTF-8 comes back as its exact bytes
 * (format/raw-name.ts), held in an in-memory path; fs calls take fsPath() of such paths.
 */
import { bytesToLocal } from '../format/raw-name.js';
import type { TreeNode } from '../format/tree.js';

/** The node's name as an in-memory path component. */
export function localName(node: TreeNode): string {
  return node.name_raw === undefined ? node.name : bytesToLocal(rawBytes(node.name_raw));
}

/** What a symlink points to, as its exact bytes when it has them. */
export function linkTarget(node: TreeNode): string | Buffer {
  return node.link_target_raw === undefined
    ? (node.link_target ?? '')
    : rawBytes(node.link_target_raw);
}

function rawBytes(base64: string): Buffer {
  return Buffer.from(base64, 'base64');
}
