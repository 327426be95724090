/**
 * Which repository the UI works on. The password goes to the host once, on connect or create,
 * and is never kept here.
 */
import type { AppInfo, ContractError, PasswordRating } from '../../../../shared/contract';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';
import { rememberRepository } from './recent-repositories';

export interface RepositorySlice {
  appInfo: AppInfo | null;
  repository: { location: string } | null;
  repositoryBusy: boolean;
  repositoryError: ContractError | null;
  /** Web mode: the server went away. */
  connectionLost: boolean;
  /** Loads what the host already knows: a page reload keeps the open repository and jobs. */
  initialize(): Promise<void>;
  connectRepository(location: string, password: string): Promise<boolean>;
  createRepository(location: string, password: string): Promise<boolean>;
  disconnectRepository(): Promise<void>;
  clearRepositoryError(): void;
  /** The strength of the password typed for a new repository; null when not rated. */
  passwordRating: { password: string; rating: PasswordRating } | null;
  ratePassword(password: string): Promise<void>;
}

export const createRepositorySlice: SliceCreator<RepositorySlice> = (api) => (set, get) => {
  const open = async (work: () => Promise<{ location: string }>): Promise<boolean> => {
    set({ repositoryBusy: true, repositoryError: null });
    try {
      const { location } = await work();
      set({ repository: { location }, repositoryBusy: false, screen: 'sources' });
      get().restoreFolders(location);
      rememberRepository(location);
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

    async initialize() {
      try {
        const [appInfo, state] = await Promise.all([
          api.call('getAppInfo', {}),
          api.call('getSessionState', {}),
        ]);
        set({ appInfo, repository: state.repository });
        get().adoptJobs(state.jobs);
        if (state.repository !== null) {
          get().restoreFolders(state.repository.location);
          void get().loadSnapshots();
        }
      } catch (err) {
        set({ repositoryError: asContractError(err) });
      }
    },
    connectRepository: (location, password) =>
      open(() => api.call('connectRepository', { location, password })),
    createRepository: (location, password) =>
      open(() => api.call('createRepository', { location, password })),
    async disconnectRepository() {
      await api.call('disconnectRepository', {});
      set({ repository: null, snapshots: null, folders: [], screen: 'sources' });
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
