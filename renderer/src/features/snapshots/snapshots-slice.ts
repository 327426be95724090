import type { ContractError } from '../../../../shared/contract';
import type { Snapshot } from '../../../../shared/domain';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export interface SnapshotsSlice {
  /** Newest first; null until loaded. */
  snapshots: Snapshot[] | null;
  snapshotsLoading: boolean;
  snapshotsError: ContractError | null;
  loadSnapshots(): Promise<void>;
}

export const createSnapshotsSlice: SliceCreator<SnapshotsSlice> = (api) => (set) => ({
  snapshots: null,
  snapshotsLoading: false,
  snapshotsError: null,
  async loadSnapshots() {
    set({ snapshotsLoading: true });
    try {
      const snapshots = await api.call('listSnapshots', {});
      snapshots.sort((a, b) => b.time.localeCompare(a.time));
      set({ snapshots, snapshotsLoading: false, snapshotsError: null });
    } catch (err) {
      set({ snapshotsLoading: false, snapshotsError: asContractError(err) });
    }
  },
});
