// How to drive each tool: the command lines for init, backup, restore and check, where a
// restore puts the data, and how many snapshots a repository holds. Settings follow each
// tool's documented defaults except where the comparison needs them to match Cairn:
//   restic: repository version 2 (compression exists only there), compression "auto" (default);
//   borg:   repokey encryption and zstd level 3, Cairn's compression level.
// Every tool keeps its caches and keys under the bench's work folder (never in ~), so runs do
// not leak state into each other or into the user's home.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
// Run as the installed `cairn` runs: the file itself, whose #! line carries its Node flags,
// with this Node first on PATH.
const CAIRN_CLI = path.join(REPO_ROOT, 'dist/cli/cairn.js');
const NODE_FIRST_ON_PATH = [path.dirname(process.execPath), process.env.PATH].join(path.delimiter);
const PASSWORD = 'bench-password-not-secret';

/** The adapters; `available()` says whether (and which version of) the tool is installed. */
export const TOOLS = [
  {
    name: 'cairn',
    available() {
      if (!fs.existsSync(CAIRN_CLI)) {
        return {
          ok: false,
          reason: `${path.relative(REPO_ROOT, CAIRN_CLI)} not built (npm run build)`,
        };
      }
      const rev = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], {
        encoding: 'utf8',
      });
      return { ok: true, version: `cairn @ ${rev.stdout.trim() || 'unknown commit'}` };
    },
    env: (home) => ({ CAIRN_PASSWORD: PASSWORD, CAIRN_HOME: home, PATH: NODE_FIRST_ON_PATH }),
    init: (repo) => [CAIRN_CLI, ['init', '--repo', repo]],
    backup: (repo, data) => [CAIRN_CLI, ['backup', data, '--repo', repo]],
    restore: (repo, target) => [
      CAIRN_CLI,
      ['restore', 'latest', '--target', target, '--repo', repo],
    ],
    // As the README's restore section says: the backed-up folder /x/y/data is restored as DIR/data.
    restoredDir: (target, data) => path.join(target, path.basename(data)),
    check: (repo) => [CAIRN_CLI, ['check', '--repo', repo, '--read-data']],
    snapshots: (repo) => [CAIRN_CLI, ['snapshots', '--repo', repo, '--json']],
    countSnapshots: (stdout) => JSON.parse(stdout).length,
  },
  {
    name: 'restic',
    available: () => versionOf('restic', ['version']),
    env: (home) => ({ RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: path.join(home, 'cache') }),
    init: (repo) => ['restic', ['-r', repo, 'init', '--repository-version', '2']],
    backup: (repo, data) => ['restic', ['-r', repo, 'backup', data]],
    restore: (repo, target) => ['restic', ['-r', repo, 'restore', 'latest', '--target', target]],
    // restic restores the full absolute path under the target.
    restoredDir: (target, data) => path.join(target, data),
    check: (repo) => ['restic', ['-r', repo, 'check', '--read-data']],
    snapshots: (repo) => ['restic', ['-r', repo, 'snapshots', '--json']],
    countSnapshots: (stdout) => JSON.parse(stdout).length,
  },
  {
    name: 'borg',
    available: () => versionOf('borg', ['--version']),
    env: (home) => ({
      BORG_PASSPHRASE: PASSWORD,
      BORG_BASE_DIR: home,
      BORG_DISPLAY_PASSPHRASE: 'no',
    }),
    init: (repo) => ['borg', ['init', '-e', 'repokey', repo]],
    // borg has no "latest" for extract, so archives get predictable names: backup-1, backup-2.
    backup: (repo, data, n) => [
      'borg',
      ['create', '--compression', 'zstd,3', `${repo}::backup-${n}`, data],
    ],
    // borg extracts into the current directory; the runner passes the target as cwd.
    restore: (repo, _target, n) => ['borg', ['extract', `${repo}::backup-${n}`]],
    restoreInCwd: true,
    // borg stores absolute paths without the leading slash, so they land under the target.
    restoredDir: (target, data) => path.join(target, data),
    check: (repo) => ['borg', ['check', '--verify-data', repo]],
    snapshots: (repo) => ['borg', ['list', '--json', repo]],
    countSnapshots: (stdout) => JSON.parse(stdout).archives.length,
  },
];

function versionOf(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${cmd} not installed (${r.error.code})` };
  return { ok: true, version: (r.stdout || r.stderr).trim().split('\n')[0] };
}
