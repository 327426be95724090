/**
 * Checks a tree blob's JSON against the shape tree.ts describes before anyone relies on it. A
 * tree whose own shape is wrong (not `{ "nodes": [ … ] }`, a node without a name) fails as a
 * whole; a node with a field of the wrong type or form fails alone, so a reader can report it
 * by its path and go on with its siblings. Unknown fields are left alone (newer writers may
 * add some).
 */
import { CairnError } from '../errors.js';
import type { Tree, TreeNode } from './tree.js';

const NODE_TYPES = new Set(['file', 'dir', 'symlink', 'fifo', 'socket', 'chardev', 'blockdev']);
const WHOLE_NUMBER = /^-?\d{1,30}$/;
const UNSIGNED = /^\d{1,30}$/;

/** Parses a tree blob's plaintext; `what` names it in the error ("tree 3fa4b2c1d0e9"). */
export function parseTree(plain: Buffer, what: string): Tree {
  let value: unknown;
  try {
    value = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new CairnError('corrupt', `${what} is not valid JSON`);
  }
  const nodes = isObject(value) ? value.nodes : undefined;
  if (!Array.isArray(nodes))
    throw new CairnError('corrupt', `${what} is malformed: it has no list of entries`);
  nodes.forEach((node: unknown, i) => {
    if (!isObject(node) || typeof node.name !== 'string')
      throw new CairnError('corrupt', `${what} is malformed: entry ${i + 1} has no name`);
  });
  return value as Tree;
}

/**
 * What is wrong with a node (`mtime_ns is "abc", not a whole number of nanoseconds`), or
 * undefined when it can be used as it is.
 */
export function nodeProblem(node: TreeNode): string | undefined {
  const n = node as unknown as Record<string, unknown>;
  if (typeof n.type !== 'string' || !NODE_TYPES.has(n.type))
    return wrong('type', n.type, 'a known kind of entry');
  if (!isInteger(n.mode, 0, 0o7777)) return wrong('mode', n.mode, 'permission bits');
  if (!matches(n.mtime_ns, WHOLE_NUMBER))
    return wrong('mtime_ns', n.mtime_ns, 'a whole number of nanoseconds');
  if (n.ctime_ns !== undefined && !matches(n.ctime_ns, WHOLE_NUMBER))
    return wrong('ctime_ns', n.ctime_ns, 'a whole number of nanoseconds');
  for (const field of ['size', 'uid', 'gid', 'links'] as const)
    if (n[field] !== undefined && !isInteger(n[field], 0, Number.MAX_SAFE_INTEGER))
      return wrong(field, n[field], 'a whole number');
  for (const field of ['inode', 'device'] as const)
    if (n[field] !== undefined && !matches(n[field], UNSIGNED))
      return wrong(field, n[field], 'a whole number');
  if (
    n.content !== undefined &&
    (!Array.isArray(n.content) || !n.content.every((id) => typeof id === 'string'))
  )
    return wrong('content', n.content, 'a list of blob ids');
  for (const field of ['subtree', 'link_target'] as const)
    if (n[field] !== undefined && typeof n[field] !== 'string')
      return wrong(field, n[field], 'a string');
  return undefined;
}

function wrong(field: string, value: unknown, expected: string): string {
  let shown = value === undefined ? 'missing' : JSON.stringify(value);
  if (shown.length > 40) shown = shown.slice(0, 37) + '…';
  return value === undefined ? `${field} is missing` : `${field} is ${shown}, not ${expected}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function matches(value: unknown, pattern: RegExp): boolean {
  return typeof value === 'string' && pattern.test(value);
}
