/**
 * The folder an API pull keeps its temp files in — copies of endpoint files, sort runs — which
 * hold records in plain text. So it lives under Cairn's own folder (`CAIRN_HOME/tmp` unless the
 * caller names another), never in a temp folder shared with other users, is readable by its
 * owner only, and is named after the process that owns it: `cairn-api-<pid>-<source>-XXXXXX`.
 * The pull removes it however it ends (cancellation included); one left by a process that was
 * killed outright (SIGKILL, a power cut) is removed by the next pull once that process is gone.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cairnHome } from '../../util/paths.js';

const PREFIX = 'cairn-api-';

export function defaultWorkRoot(): string {
  return path.join(cairnHome(), 'tmp');
}

export async function createWorkFolder(root: string, sourceName: string): Promise<string> {
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  await removeStaleWorkFolders(root);
  // mkdtemp creates it with mode 0700.
  return fs.mkdtemp(path.join(root, `${PREFIX}${process.pid}-${safeName(sourceName)}-`));
}

async function removeStaleWorkFolders(root: string): Promise<void> {
  for (const name of await fs.readdir(root)) {
    const pid = /^cairn-api-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    await fs.rm(path.join(root, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
