/**
 * Where Cairn keeps its own files (README.md, "Where data lives"): CAIRN_HOME when set, else the platform's per-user
 * application-data folder.
 */
import os from 'node:os';
import path from 'node:path';

export function cairnHome(): string {
  const fromEnv = process.env.CAIRN_HOME;
  if (fromEnv) return path.resolve(fromEnv);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Cairn');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Cairn');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'cairn');
  }
}

/** Where the app offers to create a repository on a first run. */
export function defaultRepositoryLocation(): string {
  return path.join(cairnHome(), 'repository');
}

export function stateDir(): string {
  return path.join(cairnHome(), 'state');
}
