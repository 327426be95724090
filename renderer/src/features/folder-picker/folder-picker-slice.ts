/**
 * Choosing a folder on the machine that runs the engine. The desktop app asks the native
 * dialog; web mode opens Cairn's own folder browser over the server's disk. Either way the
 * caller gets `Promise<string | null>`.
 */
import type { ContractError, FolderListing, ParsedArgsOf } from '../../../../shared/contract';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export type FolderPurpose = ParsedArgsOf<'pickFolder'>['purpose'];

export interface FolderPickerSlice {
  folderPicker: {
    purpose: FolderPurpose;
    listing: FolderListing | null;
    loading: boolean;
    error: ContractError | null;
  } | null;
  pickFolder(purpose: FolderPurpose, startAt?: string): Promise<string | null>;
  browseTo(path: string | undefined): Promise<void>;
  finishFolderPick(path: string | null): void;
}

export const createFolderPickerSlice: SliceCreator<FolderPickerSlice> = (api) => (set, get) => {
  let resolvePick: ((path: string | null) => void) | null = null;
  // Only the answer to the latest listing request counts; an older one may arrive later.
  let latestListing = 0;

  return {
    folderPicker: null,
    async pickFolder(purpose, startAt) {
      if (api.mode === 'desktop') {
        try {
          return (await api.call('pickFolder', { purpose })).path;
        } catch {
          return null;
        }
      }
      resolvePick?.(null);
      set({ folderPicker: { purpose, listing: null, loading: true, error: null } });
      const picked = new Promise<string | null>((resolve) => {
        resolvePick = resolve;
      });
      await get().browseTo(startAt !== undefined && startAt.startsWith('/') ? startAt : undefined);
      // A start folder that does not exist (yet) falls back to home.
      if (get().folderPicker?.listing === null && startAt !== undefined)
        await get().browseTo(undefined);
      return picked;
    },
    async browseTo(path) {
      const picker = get().folderPicker;
      if (picker === null) return;
      const request = ++latestListing;
      set({ folderPicker: { ...picker, loading: true, error: null } });
      try {
        const listing = await api.call('browseFolders', path === undefined ? {} : { path });
        const current = get().folderPicker;
        if (current !== null && request === latestListing) {
          set({ folderPicker: { ...current, listing, loading: false } });
        }
      } catch (err) {
        const current = get().folderPicker;
        if (current !== null && request === latestListing) {
          set({ folderPicker: { ...current, loading: false, error: asContractError(err) } });
        }
      }
    },
    finishFolderPick(path) {
      set({ folderPicker: null });
      resolvePick?.(path);
      resolvePick = null;
    },
  };
};
