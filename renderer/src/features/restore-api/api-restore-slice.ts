/**
 * "Restore records into the API…": the dry run the person sees before anything is sent. The
 * order (with the target's secret, if one was typed) lives only in memory, never in storage.
 */
import type { ApiRestorePreview } from '../../../../shared/api-restore';
import type { ArgsOf, ContractError } from '../../../../shared/contract';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export type ApiRestoreOrder = ArgsOf<'previewApiRestore'>;

export interface ApiRestoreSlice {
  /** The dry run for `order`; a restore starts only from a preview of the same order. */
  apiRestorePreview: { order: ApiRestoreOrder; preview: ApiRestorePreview } | null;
  apiRestorePreviewing: boolean;
  apiRestoreError: ContractError | null;
  previewApiRestore(order: ApiRestoreOrder): Promise<void>;
  clearApiRestorePreview(): void;
}

export const createApiRestoreSlice: SliceCreator<ApiRestoreSlice> = (api) => (set) => ({
  apiRestorePreview: null,
  apiRestorePreviewing: false,
  apiRestoreError: null,
  async previewApiRestore(order) {
    set({ apiRestorePreview: null, apiRestorePreviewing: true, apiRestoreError: null });
    try {
      const preview = await api.call('previewApiRestore', order);
      set({ apiRestorePreview: { order, preview }, apiRestorePreviewing: false });
    } catch (err) {
      set({ apiRestorePreviewing: false, apiRestoreError: asContractError(err) });
    }
  },
  clearApiRestorePreview: () => set({ apiRestorePreview: null, apiRestoreError: null }),
});
