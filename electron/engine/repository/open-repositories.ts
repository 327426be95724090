/**
 * Repositories kept open across requests, for the long-lived hosts (the desktop app, `cairn
 * serve`): the key is derived once per location and password (scrypt, about 0.4 s, is the slow
 * part of opening by design), the index is read once and then only its new files, trees and
 * snapshot files stay cached. The CLI opens per command instead.
 *
 * Other processes write meanwhile (a `cairn backup`, a prune, `key passwd`), so every request
 * first looks again, with listings only:
 * - keys/: the slot the password opened must still be there. After `key passwd` or a removed
 *   slot it is not, and the repository is opened anew, so the old password is refused at once.
 * - snapshots/: read by name, new files only; a forgotten snapshot is no longer listed.
 * - index/: new files are read as they appear; once a file that was read is gone (prune, repair
 *   index superseded it), the index is read again from scratch on a fresh target, so no blob is
 *   looked up in a pack that was removed. A read that still meets a missing pack (a prune ran
 *   during the request) is retried once on a fresh index.
 *
 * Operations other than browsing (backup, restore, check, prune…) get a Repository of their
 * own, with its own target, index and caches, as in the CLI; they only skip the derivation.
 * Locks are taken per operation by the caller, as before. A repository no request used for
 * `idleMs` is closed: its target (open pack files, connections) and key are released.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { CairnError } from '../errors.js';
import { openTarget } from '../targets/location.js';
import { targetEnvironment, type TargetSecrets } from '../targets/target-secrets.js';
import type { RepositoryWarning } from './damage.js';
import { metadataCacheRoot } from './metadata-cache.js';
import { defaultTreeCacheBytes, TreeCache } from './tree-cache.js';
import { Repository, type RepositoryCaches } from './repository.js';

export interface KeepOpenOptions {
  /** Close a repository after this long without a request (default 10 minutes). */
  idleMs?: number;
  /** Parsed trees kept per open repository, by their stored size (default 64 MiB). */
  treeCacheBytes?: number;
}

export interface OpenRef {
  location: string;
  password: string;
  /** A remote target's credentials (service-types.ts RepositoryRef.secrets). */
  secrets?: TargetSecrets | undefined;
}

type TargetEnv = Record<string, string | undefined>;

const defaultIdleMs = 10 * 60 * 1000;

export class OpenRepositories {
  private readonly kept = new Map<string, KeptRepository>();
  private readonly opening = new Map<string, Promise<KeptRepository>>();
  // Map keys are MACs of location and password, so no password sits in a key.
  private readonly secret = randomBytes(32);
  private readonly idleMs: number;
  private readonly treeCacheBytes: number;

  constructor(options: KeepOpenOptions = {}) {
    this.idleMs = options.idleMs ?? defaultIdleMs;
    this.treeCacheBytes = options.treeCacheBytes ?? defaultTreeCacheBytes;
  }

  /** Runs `fn` on a Repository of its own (own target, index, pack writer), closed after. */
  operation<T>(ref: OpenRef, fn: (repo: Repository) => Promise<T>): Promise<T> {
    return this.use(ref, async (kept) => {
      const repo = kept.newRepository();
      try {
        return await fn(repo);
      } finally {
        await repo.close();
      }
    });
  }

  /**
   * Runs a read (listing snapshots, a folder, a file's bytes) on the shared, current view;
   * damage it met (or met before) is passed to `onWarning` after.
   */
  browse<T>(
    ref: OpenRef,
    fn: (repo: Repository) => Promise<T>,
    onWarning?: (warning: RepositoryWarning) => void,
  ): Promise<T> {
    return this.use(ref, async (kept) => {
      try {
        return await kept.withView(fn, onWarning);
      } catch (err) {
        if (!(err instanceof CairnError && err.kind === 'corrupt')) throw err;
        // Perhaps a prune removed a pack while this read ran: once more on a fresh index.
        return kept.withView(fn, onWarning, { fresh: true });
      }
    });
  }

  /** Closes every kept repository (the host is quitting, or the user disconnected). */
  async closeAll(): Promise<void> {
    const all = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(all.map((k) => k.close().catch(() => undefined)));
  }

  /** How many repositories are open now. */
  get openCount(): number {
    return this.kept.size;
  }

  private async use<T>(ref: OpenRef, fn: (kept: KeptRepository) => Promise<T>): Promise<T> {
    const kept = await this.acquire(ref);
    try {
      return await fn(kept);
    } finally {
      kept.busy--;
      if (kept.busy === 0) kept.startIdleTimer(this.idleMs, () => this.forget(kept));
    }
  }

  /**
   * The kept repository for `ref`, counted busy; opened (the key derived) only when none is
   * open or the slot its password opened is gone.
   */
  private async acquire(ref: OpenRef): Promise<KeptRepository> {
    const id = createHmac('sha256', this.secret)
      .update(`${ref.location}\0${ref.password}\0${JSON.stringify(ref.secrets ?? {})}`)
      .digest('hex');
    for (;;) {
      const kept = this.kept.get(id);
      if (kept) {
        kept.busy++;
        kept.stopIdleTimer();
        let there: boolean;
        try {
          there = await kept.slotStillThere();
        } catch (err) {
          kept.busy--;
          throw err;
        }
        if (there) return kept;
        kept.busy--;
        this.forget(kept);
        continue;
      }
      let opening = this.opening.get(id);
      if (!opening) {
        opening = KeptRepository.open(id, ref, this.treeCacheBytes);
        this.opening.set(id, opening);
        const settled = (): void => void this.opening.delete(id);
        opening.then((k) => {
          settled();
          this.kept.set(id, k);
        }, settled);
        const opened = await opening;
        opened.busy++;
        return opened;
      }
      await opening; // opened by a request just before this one: use it (checked above)
    }
  }

  private forget(kept: KeptRepository): void {
    if (this.kept.get(kept.id) !== kept) return;
    this.kept.delete(kept.id);
    void kept.close();
  }
}

/** One Repository object and the target it reads through, with the requests using it. */
interface View {
  repo: Repository;
  users: number;
  retired: boolean;
}

class KeptRepository {
  busy = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private view: View;
  private readonly caches: RepositoryCaches;

  /** The key, config and slot, in a Repository that never reads (so holds no index). */
  private readonly opened: Repository;

  private constructor(
    readonly id: string,
    private readonly location: string,
    /** Where the target's credentials come from, resolved once (like the key). */
    private readonly env: TargetEnv,
    first: Repository,
  ) {
    this.opened = Repository.reopen(first, first.target);
    this.caches = first.caches;
    this.view = { repo: first, users: 0, retired: false };
  }

  static async open(id: string, ref: OpenRef, treeCacheBytes: number): Promise<KeptRepository> {
    const caches = { trees: new TreeCache(treeCacheBytes), snapshots: new Map() };
    const env = await targetEnvironment(ref.secrets);
    const target = openTarget(ref.location, env);
    const cacheRoot = metadataCacheRoot(target);
    const repo = await Repository.open(target, ref.password, { caches, cacheRoot });
    return new KeptRepository(id, ref.location, env, repo);
  }

  newRepository(): Repository {
    return Repository.reopen(this.opened, openTarget(this.location, this.env));
  }

  /** One listing of keys/: whether the slot the password opened is still one of them. */
  async slotStillThere(): Promise<boolean> {
    const slots = await this.view.repo.target.list('keys');
    return slots.some((s) => s.name === this.opened.openedSlot);
  }

  async withView<T>(
    fn: (repo: Repository) => Promise<T>,
    onWarning: ((warning: RepositoryWarning) => void) | undefined,
    options: { fresh?: boolean } = {},
  ): Promise<T> {
    const view = options.fresh ? this.replace(this.view) : await this.currentView();
    view.users++;
    try {
      return await fn(view.repo);
    } finally {
      view.users--;
      if (view.retired && view.users === 0) void view.repo.close();
      if (onWarning) for (const w of view.repo.damage.warnings) onWarning(w);
    }
  }

  /** The view, replaced by a fresh one when an index file it read is gone (pruned, repaired). */
  private async currentView(): Promise<View> {
    const view = this.view;
    const { index } = view.repo;
    if (index.files.size === 0 && index.damagedFiles.size === 0) return view;
    const listed = new Set((await view.repo.target.list('index')).map((f) => f.name));
    const gone = (name: string): boolean => !listed.has(name);
    if ([...index.files].some(gone) || [...index.damagedFiles.keys()].some(gone))
      return this.replace(view);
    return view;
  }

  /**
   * A fresh view (empty index, new target: no pack file of the old one stays open) in place of
   * `stale`, unless another request replaced it already. Trees and snapshots stay cached: their
   * names are the hashes of their bytes.
   */
  private replace(stale: View): View {
    if (this.view === stale) {
      const repo = Repository.reopen(this.opened, openTarget(this.location, this.env), this.caches);
      this.view = { repo, users: 0, retired: false };
      stale.retired = true;
      if (stale.users === 0) void stale.repo.close();
    }
    return this.view;
  }

  startIdleTimer(ms: number, onIdle: () => void): void {
    this.stopIdleTimer();
    this.idleTimer = setTimeout(onIdle, ms);
    this.idleTimer.unref(); // an open repository never keeps the process alive
  }

  stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  async close(): Promise<void> {
    this.stopIdleTimer();
    this.view.retired = true;
    if (this.view.users === 0) await this.view.repo.close();
  }
}
