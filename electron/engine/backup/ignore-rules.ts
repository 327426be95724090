/**
 * Which paths a folder backup skips: --exclude patterns (gitignore syntax, relative to each
 * backed-up folder; an absolute path inside the folder works too) and `.cairnignore` files,
 * whose rules apply to their own folder and below, as .gitignore files do.
 */
import ignore, { type Ignore } from 'ignore';
import path from 'node:path';

export const IGNORE_FILE = '.cairnignore';

interface Layer {
  base: string;
  rules: Ignore;
}

export class IgnoreRules {
  private constructor(private readonly layers: readonly Layer[]) {}

  static forRoot(root: string, excludes: readonly string[]): IgnoreRules {
    const patterns = excludes.map((p) => {
      if (path.isAbsolute(p) && (p === root || p.startsWith(root + path.sep))) {
        return '/' + path.relative(root, p).split(path.sep).join('/');
      }
      return p;
    });
    return new IgnoreRules(patterns.length ? [{ base: root, rules: ignore().add(patterns) }] : []);
  }

  /** Rules for a sub-folder that has its own ignore file. */
  withFile(dir: string, content: string): IgnoreRules {
    return new IgnoreRules([...this.layers, { base: dir, rules: ignore().add(content) }]);
  }

  ignores(absPath: string, isDir: boolean): boolean {
    for (const layer of this.layers) {
      const rel = path.relative(layer.base, absPath).split(path.sep).join('/');
      // Outside this layer's folder; a name such as `..notes.log` is inside it.
      if (!rel || rel === '..' || rel.startsWith('../')) continue;
      if (layer.rules.ignores(isDir ? rel + '/' : rel)) return true;
    }
    return false;
  }
}

export const CACHEDIR_SIGNATURE = 'Signature: 8a477f597d28d172789f06886806bc55';
