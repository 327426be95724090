/**
 * The engine's public surface: what the CLI, the Electron IPC handlers and the web server call.
 * None of those three holds engine logic; each only parses, validates and prints. The types the
 * operations themselves share live below, in operation-types.ts; this file re-exports them.
 */
import type { ListEntry, Snapshot } from '../../shared/domain.js';
import type { CopyRequest, CopyResult } from './copy/copy.js';
import type { Keychain } from './credentials/keychain.js';
import type { DiffRequest, DiffResult } from './diff/diff-report.js';
import type { ArchiveFormat, ExportRequest, ExportResult } from './export/export.js';
import type {
  BackupRequest,
  BackupResult,
  CheckReport,
  CheckRequest,
  ForgetRequest,
  ForgetResult,
  JobControl,
  PruneReport,
  RestoreRequest,
  RestoreResult,
} from './operation-types.js';
import type { RepairIndexReport } from './repair/repair-index.js';
import type { RepairSnapshotsReport } from './repair/repair-snapshots.js';
import type { PasswordRating } from './crypto/password-strength.js';
import type { RepositoryWarning } from './repository/damage.js';
import type { KeySlotInfo } from './repository/key-files.js';
import type { KeepOpenOptions } from './repository/open-repositories.js';
import type { ApiRestoreRequest, ApiRestoreResult } from './restore-api/restore-api-types.js';
import type { RetentionRules } from './retention/policy.js';
import type { ApiBackupRequest } from './sources/api/backup-api-source.js';
import type { SourceDefinitionCheck } from './sources/api/load-source-definition.js';
import type { FirstPageProbe } from './sources/api/probe-first-page.js';
import type { SourceDefinition } from './sources/api/source-definition.js';
import type { HostKeyProbe } from './targets/sftp-host-key-probe.js';
import type { ConnectionReport } from './targets/target.js';
import type { TargetSecretName, TargetSecrets } from './targets/target-secrets.js';

export type {
  ArchiveFormat,
  ConnectionReport,
  HostKeyProbe,
  TargetSecretName,
  TargetSecrets,
  CopyRequest,
  CopyResult,
  ExportRequest,
  ExportResult,
  FirstPageProbe,
  Keychain,
  KeySlotInfo,
  RepairIndexReport,
  KeepOpenOptions,
  RepairSnapshotsReport,
  PasswordRating,
  RepositoryWarning,
  RetentionRules,
  SourceDefinition,
  SourceDefinitionCheck,
};
export type * from './diff/diff-report.js';
export type * from './restore-api/restore-api-types.js';
export type * from './operation-types.js';
export type { DefinitionProblem } from './sources/api/load-source-definition.js';
export { OVERWRITE_POLICIES, type OverwritePolicy } from '../../shared/domain.js';

export interface RepositoryRef {
  /** Location string (README.md, the command line: `--repo LOC`). */
  location: string;
  password: string;
  /**
   * Read without a lock (restic's --no-lock), for a repository that cannot be written. Only
   * operations that read honour it; those that write refuse. Without it they read unlocked
   * anyway, saying so, when writing the lock fails because the repository is read-only.
   */
  noLock?: boolean;
  /**
   * A remote target's credentials, named as the CLI's environment variables; each value may
   * be a secret reference (`keychain:ENTRY`), resolved when the target is opened.
   */
  secrets?: TargetSecrets;
}

export interface EngineOptions {
  /**
   * For long-lived hosts (the desktop app, `cairn serve`): keep each repository open across
   * calls, so the key is derived once per location and password and browsing reads only what
   * changed (repository/open-repositories.ts). Without it every call opens and closes.
   */
  keepOpen?: boolean | KeepOpenOptions;
}

export interface EngineService {
  /**
   * The repository a first run is offered: `repository/` in Cairn's own folder (CAIRN_HOME, else
   * the platform's per-user data folder), and whether one is there already.
   */
  defaultRepository(): Promise<{ location: string; exists: boolean }>;
  /** How guessable a new repository password is (see crypto/password-strength.ts). */
  ratePassword(password: string): Promise<PasswordRating>;
  /** Closes the repositories kept open (keepOpen); the engine can still be used after. */
  close(): Promise<void>;
  initRepository(
    repo: RepositoryRef,
    options?: { copyChunkerParamsFrom?: RepositoryRef | undefined },
  ): Promise<{ id: string }>;
  /** The repository's key slots, oldest first; the one the password opened is `current`. */
  listKeys(repo: RepositoryRef): Promise<KeySlotInfo[]>;
  /**
   * Adds a key slot for another password (asked for once the repository has opened, so a wrong
   * password fails first). Each slot wraps the same master key: no data is re-encrypted.
   */
  addKey(repo: RepositoryRef, newPassword: () => Promise<string>): Promise<{ id: string }>;
  /**
   * Removes the key slot with this id (or unique id prefix): that password no longer opens the
   * repository. Refuses the slot the given password opened and the last slot.
   */
  removeKey(repo: RepositoryRef, id: string): Promise<{ id: string }>;
  /** Adds a slot for the new password, then removes the one the old password opened. */
  changePassword(repo: RepositoryRef, newPassword: () => Promise<string>): Promise<{ id: string }>;
  listSnapshots(repo: RepositoryRef, control?: JobControl): Promise<Snapshot[]>;
  /**
   * Looks at a target once: latency, whether a repository is there, writable, free space; what
   * stops it being used is a rejection saying so in words. Opens no repository.
   */
  testConnection(target: Omit<RepositoryRef, 'password'>): Promise<ConnectionReport>;
  /** An SFTP server's host key and whether it is trusted yet; pins nothing. */
  probeHostKey(location: string): Promise<HostKeyProbe>;
  /** Pins an SFTP server's host key, if it is still the one with the confirmed fingerprint. */
  trustHostKey(location: string, fingerprint: string): Promise<HostKeyProbe>;
  /** Stores a secret in the OS keychain (service "cairn"), for a `keychain:ENTRY` reference. */
  storeSecret(entry: string, value: string): Promise<void>;
  /** Children of PATH ('/' for the root) in a snapshot; `recursive` lists the whole subtree. */
  listTree(
    repo: RepositoryRef,
    snapshot: string,
    path: string,
    recursive?: boolean,
    control?: JobControl,
  ): Promise<ListEntry[]>;
  /** Reads up to `length` bytes of a file in a snapshot (previews). */
  readFile(
    repo: RepositoryRef,
    snapshot: string,
    path: string,
    range?: { offset: number; length: number },
  ): Promise<Buffer>;
  backup(repo: RepositoryRef, request: BackupRequest, control?: JobControl): Promise<BackupResult>;
  /** Backs up a REST API source (sources/api/backup-api-source.ts). */
  backupApi(
    repo: RepositoryRef,
    request: ApiBackupRequest,
    control?: JobControl,
  ): Promise<BackupResult>;
  /**
   * Resolves every secret reference of an API source (nothing is sent): fails naming the
   * variable, keychain entry or file that is missing, so a job can refuse to start.
   */
  checkApiSourceSecrets(definition: SourceDefinition): Promise<void>;
  /**
   * The secret a reference names (`keychain:ENTRY`, `env:NAME`, `file:PATH`); anything else is
   * refused, so a plan's configuration never holds a secret. Errors name the reference only.
   */
  resolveSecretReference(reference: string): Promise<string>;
  /** The "test request": each endpoint's first page; nothing is stored (probe-first-page.ts). */
  testApiSource(
    definition: SourceDefinition,
    options?: { endpoints?: string[]; sampleSize?: number },
  ): Promise<FirstPageProbe[]>;
  /**
   * Checks a parsed definition (JSON value) with every rule a backup applies — the schema and
   * its version, unique endpoint names, parents without cycles, a body only on POST — and lists
   * each problem with where it is (sources/api/load-source-definition.ts).
   */
  checkApiSourceDefinition(json: unknown): Promise<SourceDefinitionCheck>;
  /** The same check, failing with one message that starts with `origin`. */
  parseApiSourceDefinition(json: unknown, origin?: string): Promise<SourceDefinition>;
  /**
   * Where a definition writes a secret in clear instead of a reference ("auth.token"): a
   * definition kept as a file of Cairn's (a plan's) must have none.
   */
  findWrittenSecrets(definition: SourceDefinition): Promise<string[]>;
  /** Reads a definition file and parses it as parseApiSourceDefinition does. */
  loadApiSourceDefinition(file: string): Promise<SourceDefinition>;
  /** The OS keychain (service "cairn") that `keychain:` secret references name. */
  openKeychain(): Promise<Keychain>;
  restore(
    repo: RepositoryRef,
    request: RestoreRequest,
    control?: JobControl,
  ): Promise<RestoreResult>;
  /**
   * Puts a snapshot's records back into an API (restore-api/): resumes an interrupted run of
   * the same restore from its journal; `dryRun` lists the requests and sends none.
   */
  restoreApi(
    repo: RepositoryRef,
    request: ApiRestoreRequest,
    control?: JobControl,
  ): Promise<ApiRestoreResult>;
  check(repo: RepositoryRef, request: CheckRequest, control?: JobControl): Promise<CheckReport>;
  /** What changed between two snapshots: entries, API records, or one record's fields (diff/). */
  diff(repo: RepositoryRef, request: DiffRequest, control?: JobControl): Promise<DiffResult>;
  /** A snapshot or a subtree as a zip or tar.gz archive, streamed (export/). */
  export(repo: RepositoryRef, request: ExportRequest, control?: JobControl): Promise<ExportResult>;
  forget(repo: RepositoryRef, request: ForgetRequest, control?: JobControl): Promise<ForgetResult>;
  prune(
    repo: RepositoryRef,
    request: { dryRun?: boolean },
    control?: JobControl,
  ): Promise<PruneReport>;
  /**
   * Copies snapshots into another repository, storing only what it lacks; a snapshot already
   * copied there is skipped (copy/copy.ts).
   */
  copy(
    from: RepositoryRef,
    to: RepositoryRef,
    request: CopyRequest,
    control?: JobControl,
  ): Promise<CopyResult>;
  /**
   * Rebuilds the index from the packs' own headers; with readData also salvages packs with
   * damaged blobs (repair/repair-index.ts).
   */
  repairIndex(
    repo: RepositoryRef,
    request: { dryRun?: boolean; readData?: boolean },
    control?: JobControl,
  ): Promise<RepairIndexReport>;
  /**
   * Removes damaged snapshot files and replaces snapshots that need missing data with repaired
   * ones without it (repair/repair-snapshots.ts).
   */
  repairSnapshots(
    repo: RepositoryRef,
    request: { dryRun?: boolean },
    control?: JobControl,
  ): Promise<RepairSnapshotsReport>;
}
