/**
 * Which repository the UI works on. The password goes to the host once, on connect or create,
 * and is never kept here.
 */
import type {
  AppInfo,
  ContractError,
  PasswordRating,
  RecentRepository,
} from '../../../../shared/contract';
import { asContractError, type CairnApi } from '../../api';
import { homeScreen } from '../navigation/navigation-slice';
import type { SliceCreator } from '../../store/app-store';
import type { SecretsKept } from '../../../../shared/contract';
import type { TargetSecrets } from '../../../../shared/targets';
import { takeOverLegacyFolders } from '../sources/sources-slice';
import { forgetLegacyRecentRepositories, legacyRecentRepositories } from './recent-repositories';

export interface RepositorySlice {
  appInfo: AppInfo | null;
  repository: { location: string } | null;
  repositoryBusy: boolean;
  repositoryError: ContractError | null;
  /** Web mode: the server went away. */
  connectionLost: boolean;
  /** Loads what the host already knows: a page reload keeps the open repository and jobs. */
  initialize(): Promise<void>;
  /** `secrets`: a remote target's credentials; default what was remembered for it. */
  connectRepository(location: string, password: string, secrets?: TargetSecrets): Promise<boolean>;
  createRepository(location: string, password: string, secrets?: TargetSecrets): Promise<boolean>;
  /** Set when a remote target's secrets could not go into an OS keychain (this session only). */
  credentialsNotice: string | null;
  /** Repositories opened before, newest first, as the host keeps them; null until known. */
  recentRepositories: RecentRepository[] | null;
  /** Why they could not be read (a damaged configuration file, named). */
  recentRepositoriesError: ContractError | null;
  loadRecentRepositories(): Promise<void>;
  disconnectRepository(): Promise<void>;
  clearRepositoryError(): void;
  /** The strength of the password typed for a new repository; null when not rated. */
  passwordRating: { password: string; rating: PasswordRating } | null;
  ratePassword(password: string): Promise<void>;
}

export const createRepositorySlice: SliceCreator<RepositorySlice> = (api) => (set, get) => {
  /** Once a plan exists, the app opens on the Plans screen. */
  const openHome = (): void => {
    void api
      .call('listPlans', {})
      .then((plans) => {
        if (plans.length > 0 && get().screen === 'sources')
          set({ plans, screen: homeScreen(plans.length) });
      })
      .catch(() => undefined);
  };
  const open = async (
    work: () => Promise<{ location: string; secrets?: SecretsKept }>,
  ): Promise<boolean> => {
    set({ repositoryBusy: true, repositoryError: null, credentialsNotice: null });
    try {
      const { location, secrets } = await work();
      set({ repository: { location }, repositoryBusy: false, screen: 'sources' });
      void get().restoreSources(location);
      void get().loadRecentRepositories(); // the host remembered this one
      openHome();
      if (secrets !== undefined) {
        if (!secrets.remembered) {
          set({
            credentialsNotice:
              'No OS keychain is available, so the storage password is kept for this session only.',
          });
        }
      }
      void get().loadSnapshots();
      return true;
    } catch (err) {
      set({ repositoryBusy: false, repositoryError: asContractError(err) });
      return false;
    }
  };

  return {
    appInfo: null,
    repository: null,
    repositoryBusy: false,
    repositoryError: null,
    connectionLost: false,
    credentialsNotice: null,
    recentRepositories: null,
    recentRepositoriesError: null,

    async loadRecentRepositories() {
      try {
        const recent = await api.call('listRecentRepositories', {});
        set({ recentRepositories: recent, recentRepositoriesError: null });
      } catch (err) {
        set({ recentRepositoriesError: asContractError(err) });
      }
    },

    async initialize() {
      try {
        await takeOverLegacyList(api);
        await takeOverLegacyFolders(api);
        const [appInfo, state] = await Promise.all([
          api.call('getAppInfo', {}),
          api.call('getSessionState', {}),
          get().loadRecentRepositories(),
        ]);
        set({ appInfo, repository: state.repository });
        get().adoptJobs(state.jobs);
        if (state.repository !== null) {
          void get().restoreSources(state.repository.location);
          void get().loadSnapshots();
          openHome();
        }
      } catch (err) {
        set({ repositoryError: asContractError(err) });
      }
    },
    connectRepository: (
      location,
      password,
      secrets = get().recentRepositories?.find((r) => r.location === location)?.credentials,
    ) =>
      open(() =>
        api.call('connectRepository', { location, password, ...(secrets ? { secrets } : {}) }),
      ),
    createRepository: (location, password, secrets) =>
      open(() =>
        api.call('createRepository', { location, password, ...(secrets ? { secrets } : {}) }),
      ),
    async disconnectRepository() {
      await api.call('disconnectRepository', {});
      set({ repository: null, snapshots: null, folders: [], apiSources: [], screen: 'sources' });
      get().closeSnapshot();
    },
    clearRepositoryError: () => set({ repositoryError: null }),
    passwordRating: null,
    async ratePassword(password) {
      if (password === '') return set({ passwordRating: null });
      // An estimate is advice: without one, creating simply goes on unwarned.
      const rating = await api.call('ratePassword', { password }).catch(() => null);
      set({ passwordRating: rating === null ? null : { password, rating } });
    },
  };
};

/**
 * Once: hands a list an older version kept in the browser's storage to the host, then removes
 * it. Kept when the host could not take it (a damaged configuration), to try again next time.
 */
async function takeOverLegacyList(api: CairnApi): Promise<void> {
  const legacy = legacyRecentRepositories();
  if (legacy === null) return;
  try {
    if (legacy.length > 0) {
      await api.call('importRecentRepositories', { repositories: legacy.slice(0, 50) });
    }
    forgetLegacyRecentRepositories();
  } catch {
    // Tried again on the next start.
  }
}
