/**
 * A repository lock file (docs/repository-format.md, "Locks"), stored as locks/<sha256 hex of the stored bytes>. The bytes
 * are a sealed object (sealed-object.ts) holding JSON:
 *
 *   { "time": RFC 3339, when the lock was taken,
 *     "heartbeat": RFC 3339, when its holder last said it is alive,
 *     "hostname", "username", "pid",
 *     "exclusive": boolean,
 *     "operation": "backup" | "prune" | … }
 *
 * A refresh writes a new file with a newer heartbeat and removes the old one, so a lock file is
 * never rewritten in place (targets like S3 have no atomic overwrite of a name another process
 * may be reading).
 */
import { createHash } from 'node:crypto';
import { CairnError } from '../errors.js';
import { openJson, sealJson } from '../format/sealed-object.js';

/** What a lock is for; shown to whoever finds the repository locked. */
export type LockOperation =
  | 'backup'
  | 'forget'
  | 'prune'
  | 'check'
  | 'copy'
  | 'restore'
  | 'export'
  | 'diff'
  | 'init'
  | 'repair';

export interface LockRecord {
  time: string;
  heartbeat: string;
  hostname: string;
  username: string;
  pid: number;
  exclusive: boolean;
  // A newer Cairn may lock for operations this one does not know; it still has to respect them.
  operation: string;
}

/**
 * Checked by hand rather than with a schema library: every repository operation reads locks,
 * and loading one costs several MiB of memory in every process.
 */
function isLockRecord(value: unknown): value is LockRecord {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.time === 'string' &&
    typeof v.heartbeat === 'string' &&
    typeof v.hostname === 'string' &&
    typeof v.username === 'string' &&
    Number.isInteger(v.pid) &&
    typeof v.exclusive === 'boolean' &&
    typeof v.operation === 'string'
  );
}

export interface LockFile {
  name: string;
  bytes: Buffer;
}

export function encodeLock(key: Uint8Array, record: LockRecord): LockFile {
  const bytes = sealJson(key, record);
  return { name: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/** Throws CairnError('corrupt') when the file cannot be opened or is not a lock. */
export function decodeLock(key: Uint8Array, name: string, bytes: Uint8Array): LockRecord {
  const what = `lock ${name.slice(0, 8)}`;
  const record = openJson<unknown>(key, bytes, what);
  if (!isLockRecord(record)) throw new CairnError('corrupt', `${what} is not a valid lock`);
  const { time, heartbeat, hostname, username, pid, exclusive, operation } = record;
  return { time, heartbeat, hostname, username, pid, exclusive, operation };
}
