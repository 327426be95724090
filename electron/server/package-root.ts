/**
 * Finds the checkout or installed package that holds this file, so the server finds the built
 * renderer (dist/renderer) whether it runs from dist/ or from source under tsx.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'cairn') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Cairn package folder.');
    dir = parent;
  }
}

export function rendererDir(root: string): string {
  return join(root, 'dist', 'renderer');
}
