/**
 * Names of the top-level entries of a snapshot's tree (the CLI's JSON and argument contract, README.md): each backed-up folder appears
 * under its base name; a second one with the same name becomes `name-2`, and `api` is reserved
 * for API data.
 */
import path from 'node:path';

export function sourceNames(
  paths: readonly string[],
  reserved: readonly string[] = ['api'],
): string[] {
  const used = new Set<string>(reserved);
  return paths.map((p) => {
    const base = path.basename(p) || 'root';
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  });
}
