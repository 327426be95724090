/**
 * The built CLI, copied where every user can run it. A test that runs the CLI as another user
 * (`setpriv --reuid=65534`, so that a permission is real for a test run as root) must not
 * depend on where the checkout lives: a clone in root's home folder, or under any folder of
 * mode 700, cannot be entered by anyone else. The copy holds `dist/` and the packages the CLI
 * loads at run time (the dependencies in package.json and theirs).
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { ROOT } from './cairn-cli.js';

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readPackage = (dir: string): PackageJson =>
  JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;

const requires = (p: PackageJson): string[] =>
  Object.keys({ ...p.dependencies, ...p.optionalDependencies });

/**
 * Returns the path of the copied CLI entry (dist/cli/cairn.js); call it in a test,
 * which removes the copy when it ends.
 */
export function cliForOtherUsers(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cairn-cli-copy-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  for (const part of ['package.json', 'dist/cli'])
    cpSync(path.join(ROOT, part), path.join(root, part), { recursive: true, dereference: true });
  const wanted = requires(readPackage(ROOT));
  const copied = new Set<string>();
  while (wanted.length) {
    const name = wanted.pop()!;
    const from = path.join(ROOT, 'node_modules', name);
    // Optional packages for other platforms are not installed.
    if (copied.has(name) || !existsSync(from)) continue;
    copied.add(name);
    cpSync(from, path.join(root, 'node_modules', name), { recursive: true, dereference: true });
    wanted.push(...requires(readPackage(from)));
  }
  // mkdtemp makes the folder for its owner only; everything in it is readable by all anyway.
  chmodSync(root, 0o755);
  spawnSync('chmod', ['-R', 'a+rX', root]);
  return path.join(root, 'dist/cli/cairn.js');
}
