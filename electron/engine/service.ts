/**
 * The engine as one service object (see service-types.ts). Each call opens the repository,
 * does its work under the right lock and closes it; the CLI, IPC handlers and the web server
 * share this. Long-lived hosts ask for `keepOpen`: the repository then stays open across calls
 * (repository/open-repositories.ts). Each operation's code is loaded when first used, so a
 * process that only restores never loads (nor keeps in memory) backup, API sources or prune.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { CairnError } from './errors.js';
import type { LockOperation } from './repository/lock-file.js';
import { withLock, type LockOptions } from './repository/locks.js';
import { metadataCacheRoot } from './repository/metadata-cache.js';
import { OpenRepositories } from './repository/open-repositories.js';
import { Repository } from './repository/repository.js';
import type { EngineOptions, EngineService, JobControl, RepositoryRef } from './service-types.js';
import { findSnapshot, listSnapshots } from './snapshots/snapshot-store.js';
import { openTarget } from './targets/location.js';
import type { Target } from './targets/target.js';
import { targetEnvironment } from './targets/target-secrets.js';

/** JSON as the CLI prints it: numbers an API wrote exactly as written. */
export { prettyJson } from './util/pretty-json.js';

/** A location fit for messages and logs: without the password of a `user:password@` part. */
export { redactLocation } from './targets/location.js';
/** The version `--version`, the app and the web UI report. */
export { PROGRAM_VERSION } from './version.js';
/** For a process that does one job at a time (the CLI): hashing may use the main thread too. */
export { shareMainThread } from './pipeline/main-thread-policy.js';
/** Cairn's own folder (CAIRN_HOME, else the platform's per-user application-data folder). */
export { cairnHome } from './util/paths.js';
/** A plan's watched folders: the repository's own folder, and what --exclude leaves out. */
export { localRepositoryPath, watchExclusions } from './backup/watch-exclusions.js';
/** Wall-clock time in an IANA zone (Intl only): what schedules and retention count in. */
export {
  instantOfWallTime,
  resolveTimeZone,
  wallTimeAt,
  type WallTime,
} from './retention/local-time.js';

/**
 * Starts loading an operation's code (and, for a restore, its workers) at once rather than
 * once the repository is open: opening derives the key off the main thread, which is idle
 * meanwhile. A failure to load shows where the code is awaited.
 */
function early<T>(load: () => Promise<T>): Promise<T> {
  const loading = load();
  loading.catch(() => undefined);
  return loading;
}

async function openRepository(ref: RepositoryRef): Promise<Repository> {
  const target = await openRefTarget(ref);
  return Repository.open(target, ref.password, { cacheRoot: metadataCacheRoot(target) });
}

async function openRefTarget(ref: Pick<RepositoryRef, 'location' | 'secrets'>): Promise<Target> {
  return openTarget(ref.location, await targetEnvironment(ref.secrets));
}

/**
 * Before creating a repository on a remote target: says in words what is wrong (unreachable,
 * credentials refused, no such bucket, not writable), instead of a failed write later.
 */
async function assertUsable(target: Target): Promise<void> {
  const report = await target.testConnection?.();
  if (report?.writable === false) {
    throw new CairnError(
      'target-unreachable',
      `cannot create a repository at ${target.displayName}: the server does not allow writing there`,
    );
  }
}

type LockKind = { exclusive: boolean; operation: LockOperation; readsOnly?: boolean } | undefined;

const shared = (operation: LockOperation): LockKind => ({ exclusive: false, operation });
const exclusive = (operation: LockOperation): LockKind => ({ exclusive: true, operation });
/** Shared, and dispensable: what only reads also runs on a repository that cannot be written. */
const reading = (operation: LockOperation): LockKind => ({
  exclusive: false,
  operation,
  readsOnly: true,
});

/** Opens the repository for one call, runs `fn` on it and closes it (or keeps it open). */
type Opener = <T>(
  ref: RepositoryRef,
  lock: LockKind,
  onWarning: JobControl['onWarning'],
  fn: (repo: Repository) => Promise<T>,
) => Promise<T>;

const openForOneCall: Opener = async (ref, _lock, onWarning, fn) => {
  const repo = await openRepository(ref);
  repo.damage.listener = onWarning;
  try {
    return await fn(repo);
  } finally {
    await repo.close();
  }
};

/**
 * Through the repositories kept open: quick reads (no lock) share one current view; the rest
 * get a Repository of their own, without deriving the key again.
 */
function openKept(kept: OpenRepositories): Opener {
  return (ref, lock, onWarning, fn) =>
    lock
      ? kept.operation(ref, (repo) => {
          repo.damage.listener = onWarning;
          return fn(repo);
        })
      : kept.browse(ref, fn, onWarning);
}

/**
 * Opens the repository and runs `fn` under a lock: shared for what only adds or reads,
 * exclusive for what deletes (forget, prune), none for quick reads. A lost lock cancels the
 * operation through the signal `fn` receives.
 */
function withOpenRepository<T>(
  open: Opener,
  ref: RepositoryRef,
  lock: LockKind,
  control: JobControl | undefined,
  fn: (repo: Repository, control: JobControl) => Promise<T>,
): Promise<T> {
  return open(ref, lock, control?.onWarning, async (repo) => {
    if (!lock) return await fn(repo, control ?? {});
    const { readsOnly, ...kind } = lock;
    const options: LockOptions = kind;
    if (ref.noLock) {
      if (!readsOnly)
        throw new CairnError(
          'invalid-argument',
          `${lock.operation} changes the repository and always takes a lock; --no-lock is for commands that only read`,
        );
      return await fn(repo, control ?? {});
    }
    if (readsOnly) {
      options.unlockedIfReadOnly = (reason) =>
        control?.onNotice?.(`${reason}; reading it without a lock`);
    }
    return await withLock(repo.target, repo.key.encrypt, options, (held) => {
      const signal = control?.signal ? AbortSignal.any([control.signal, held.signal]) : held.signal;
      return fn(repo, { ...control, signal, confirmLock: () => held.confirm() });
    });
  });
}

export function createEngine(options: EngineOptions = {}): EngineService {
  const { keepOpen } = options;
  const kept = keepOpen ? new OpenRepositories(keepOpen === true ? {} : keepOpen) : undefined;
  const open = kept ? openKept(kept) : openForOneCall;
  const withRepository = <T>(
    ref: RepositoryRef,
    lock: LockKind,
    control: JobControl | undefined,
    fn: (repo: Repository, control: JobControl) => Promise<T>,
  ): Promise<T> => withOpenRepository(open, ref, lock, control, fn);
  return {
    async defaultRepository() {
      const { defaultRepositoryLocation } = await import('./util/paths.js');
      const location = defaultRepositoryLocation();
      const exists = await access(path.join(location, 'config')).then(
        () => true,
        () => false,
      );
      return { location, exists };
    },
    ratePassword: async (password) =>
      (await import('./crypto/password-strength.js')).ratePassword(password),
    close: async () => kept?.closeAll(),
    async initRepository(ref, options) {
      let chunker;
      if (options?.copyChunkerParamsFrom) {
        const other = await openRepository(options.copyChunkerParamsFrom);
        chunker = other.config.chunker;
        await other.close();
      }
      const target = await openRefTarget(ref);
      await assertUsable(target);
      const repo = await Repository.init(target, ref.password, chunker ? { chunker } : {});
      await repo.close();
      return { id: repo.config.id };
    },
    listKeys: (ref) => withRepository(ref, undefined, undefined, (repo) => repo.listKeySlots()),
    addKey: (ref, newPassword) =>
      withRepository(ref, undefined, undefined, async (repo) => ({
        id: await repo.addPassword(await newPassword()),
      })),
    removeKey: (ref, id) =>
      withRepository(ref, undefined, undefined, async (repo) => {
        const slots = await repo.listKeySlots();
        const matches = slots.filter((s) => s.id.startsWith(id));
        if (id.length === 0 || matches.length === 0)
          throw new CairnError(
            'invalid-argument',
            `no key ${JSON.stringify(id)} (keys: ${slots.map((s) => s.id.slice(0, 8)).join(', ')})`,
          );
        if (matches.length > 1)
          throw new CairnError(
            'invalid-argument',
            `key prefix ${id} is ambiguous; give more characters`,
          );
        const slot = matches[0]!;
        if (slot.current)
          throw new CairnError(
            'invalid-argument',
            `key ${slot.id.slice(0, 8)} is the one this password opens; remove it with another password (or change it with cairn key passwd)`,
          );
        await repo.removeKeySlot(slot.id);
        return { id: slot.id };
      }),
    changePassword: (ref, newPassword) =>
      withRepository(ref, undefined, undefined, async (repo) => {
        const id = await repo.addPassword(await newPassword());
        await repo.removeKeySlot(repo.openedSlot);
        return { id };
      }),
    listSnapshots: (ref, control) =>
      withRepository(ref, undefined, control, (repo) => listSnapshots(repo)),
    async testConnection(ref) {
      const target = await openRefTarget(ref);
      try {
        if (target.testConnection) return await target.testConnection();
        // A local folder: nothing to connect to, only whether a repository is there.
        return {
          latencyMs: 0,
          repositoryExists: await target.exists(),
          writable: null,
          freeBytes: null,
        };
      } finally {
        await target.close();
      }
    },
    probeHostKey: async (location) =>
      (await import('./targets/sftp-host-key-probe.js')).probeHostKey(location),
    trustHostKey: async (location, fingerprint) =>
      (await import('./targets/sftp-host-key-probe.js')).trustHostKey(location, fingerprint),
    storeSecret: async (entry, value) =>
      (await import('./credentials/keychain.js')).openKeychain().set(entry, value),
    listTree: (ref, snapshot, p, recursive = false, control) =>
      withRepository(ref, undefined, control, async (repo) => {
        const snap = await findSnapshot(repo, snapshot);
        await repo.loadIndex(); // after: the snapshot's own index file is then among those read
        const { listPath } = await import('./browse/snapshot-browser.js');
        return listPath(repo, snap.tree, p, recursive);
      }),
    readFile: (ref, snapshot, p, range = { offset: 0, length: 1024 * 1024 }) =>
      withRepository(ref, undefined, undefined, async (repo) => {
        const snap = await findSnapshot(repo, snapshot);
        await repo.loadIndex(); // after: the snapshot's own index file is then among those read
        const { readRange } = await import('./browse/snapshot-browser.js');
        return readRange(repo, snap.tree, p, range);
      }),
    backup: (ref, request, control) => {
      const code = early(() => import('./backup/backup.js'));
      return withRepository(ref, shared('backup'), control, async (repo, c) =>
        (await code).backupFolders(repo, request, c),
      );
    },
    backupApi: (ref, request, control) =>
      withRepository(ref, shared('backup'), control, async (repo, c) =>
        (await import('./sources/api/backup-api-source.js')).backupApiSource(repo, request, c),
      ),
    checkApiSourceSecrets: async (definition) =>
      (await import('./sources/api/api-source-session.js')).checkSourceSecrets(definition),
    resolveSecretReference: async (reference) => {
      const { isSecretReference, resolveSecret } =
        await import('./credentials/secret-reference.js');
      if (!isSecretReference(reference))
        throw new CairnError(
          'invalid-argument',
          'a secret must be given by reference: keychain:ENTRY, env:NAME or file:PATH',
        );
      return resolveSecret(reference);
    },
    testApiSource: async (definition, options) =>
      (await import('./sources/api/probe-first-page.js')).probeFirstPages(definition, options),
    checkApiSourceDefinition: async (json) =>
      (await import('./sources/api/load-source-definition.js')).checkSourceDefinition(json),
    parseApiSourceDefinition: async (json, origin) =>
      (await import('./sources/api/load-source-definition.js')).parseSourceDefinition(json, origin),
    findInlineSecrets: async (definition) =>
      (await import('./sources/api/stored-definition.js')).inlineSecrets(definition),
    loadApiSourceDefinition: async (file) =>
      (await import('./sources/api/load-source-definition.js')).loadSourceDefinition(file),
    openKeychain: async () => (await import('./credentials/keychain.js')).openKeychain(),
    restore: (ref, request, control) => {
      const code = early(async () => {
        const restore = await import('./restore/restore.js');
        restore.prepareRestore();
        return restore;
      });
      return withRepository(ref, reading('restore'), control, async (repo, c) =>
        (await code).restoreSnapshot(repo, request, c),
      );
    },
    restoreApi: (ref, request, control) =>
      withRepository(ref, reading('restore'), control, async (repo, c) =>
        (await import('./restore-api/restore-api.js')).restoreApiRecords(repo, request, c),
      ),
    // Check reports damage as problems, not as warnings.
    check: (ref, request, control) =>
      withRepository(
        ref,
        reading('check'),
        { ...control, onWarning: undefined },
        async (repo, c) => {
          // Check judges what the repository holds, never the local copy of its metadata.
          repo.cache = undefined;
          return (await import('./check/check.js')).checkRepository(repo, request, c);
        },
      ),
    diff: (ref, request, control) =>
      withRepository(ref, shared('diff'), control, async (repo, c) =>
        (await import('./diff/diff.js')).diffSnapshots(repo, request, c),
      ),
    export: (ref, request, control) =>
      withRepository(ref, shared('export'), control, async (repo, c) =>
        (await import('./export/export.js')).exportSnapshot(repo, request, c),
      ),
    forget: (ref, request, control) =>
      // A dry run only reads: it runs beside a backup, and on a repository it cannot write.
      withRepository(
        ref,
        request.dryRun ? reading('forget') : exclusive('forget'),
        control,
        async (repo, c) => (await import('./forget/forget.js')).forgetAndPrune(repo, request, c),
      ),
    prune: (ref, request, control) =>
      withRepository(ref, exclusive('prune'), control, async (repo, c) =>
        (await import('./prune/prune.js')).prune(repo, request, c),
      ),
    // The source is only read (it may be read-only); the destination gains data as in a backup.
    copy: (from, to, request, control) =>
      withRepository(from, reading('copy'), control, (src, c) =>
        withRepository(to, shared('copy'), c, async (dst, c2) =>
          (await import('./copy/copy.js')).copySnapshots(src, dst, request, c2),
        ),
      ),
    repairIndex: (ref, request, control) =>
      withRepository(ref, exclusive('repair'), control, async (repo, c) =>
        (await import('./repair/repair-index.js')).repairIndex(repo, request, c),
      ),
    repairSnapshots: (ref, request, control) =>
      withRepository(ref, exclusive('repair'), control, async (repo, c) =>
        (await import('./repair/repair-snapshots.js')).repairSnapshots(repo, request, c),
      ),
  };
}
