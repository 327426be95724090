// Fingerprints a folder tree (relative path -> size and SHA-256 of the content) and compares two
// fingerprints. A restore only counts if its bytes equal the originals: a fast but wrong restore
// must fail the bench, not win it. Modes and times are not compared; the tools differ on what
// they restore by default, and the bench is about content.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const READ_BUF = Buffer.alloc(1024 * 1024);

/** @returns {Map<string, string>} relative path -> "type:size:sha256" */
export function fingerprintTree(root) {
  const out = new Map();
  walk(root, '', out);
  return out;
}

function walk(root, rel, out) {
  const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  for (const e of entries) {
    const relPath = rel ? `${rel}/${e.name}` : e.name;
    const full = path.join(root, relPath);
    if (e.isDirectory()) {
      out.set(relPath, 'dir');
      walk(root, relPath, out);
    } else if (e.isSymbolicLink()) {
      out.set(relPath, `link:${fs.readlinkSync(full)}`);
    } else if (e.isFile()) {
      out.set(relPath, `file:${hashFile(full)}`);
    } else {
      out.set(relPath, 'other');
    }
  }
}

function hashFile(file) {
  // Synchronous 1 MiB reads: the data is in the page cache, and this avoids a stream per file
  // for thousands of small files.
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  let size = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, READ_BUF, 0, READ_BUF.length, null);
      if (n === 0) break;
      hash.update(READ_BUF.subarray(0, n));
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return `${size}:${hash.digest('hex')}`;
}

/** @returns {string[]} human-readable differences (empty when the trees are equal) */
export function compareTrees(expected, actual, limit = 10) {
  const diffs = [];
  for (const [p, v] of expected) {
    if (!actual.has(p)) diffs.push(`missing ${p}`);
    else if (actual.get(p) !== v) diffs.push(`differs ${p} (want ${v}, got ${actual.get(p)})`);
  }
  for (const p of actual.keys()) if (!expected.has(p)) diffs.push(`extra ${p}`);
  if (diffs.length > limit) return [...diffs.slice(0, limit), `... ${diffs.length - limit} more`];
  return diffs;
}
