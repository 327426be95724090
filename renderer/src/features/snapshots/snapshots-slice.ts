import type { ContractError, RepositoryDamage } from '../../../../shared/contract';
import type { Snapshot } from '../../../../shared/domain';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export interface SnapshotsSlice {
  /** Newest first; null until loaded. */
  snapshots: Snapshot[] | null;
  snapshotsLoading: boolean;
  snapshotsError: ContractError | null;
  /** Damaged repository files the host worked around (a skipped snapshot file, …). */
  repositoryWarnings: RepositoryDamage[];
  loadSnapshots(): Promise<void>;
}

export const createSnapshotsSlice: SliceCreator<SnapshotsSlice> = (api) => (set) => ({
  snapshots: null,
  snapshotsLoading: false,
  snapshotsError: null,
  repositoryWarnings: [],
  async loadSnapshots() {
    set({ snapshotsLoading: true });
    try {
      const snapshots = await api.call('listSnapshots', {});
      snapshots.sort((a, b) => b.time.localeCompare(a.time));
      // Asked after the list, which is what meets a damaged snapshot file.
      const repositoryWarnings = await api.call('getRepositoryWarnings', {}).catch(() => []);
      set({ snapshots, snapshotsLoading: false, snapshotsError: null, repositoryWarnings });
    } catch (err) {
      set({ snapshotsLoading: false, snapshotsError: asContractError(err) });
    }
  },
});
