/**
 * The snapshot browser: a lazily loaded tree (children fetched when a folder opens), the
 * selected entry with its preview, and search by name. Answers that arrive after the user
 * moved on (another snapshot, another file, another query) are dropped.
 */
import type { ContractError, FilePreview } from '../../../../shared/contract';
import type { ListEntry } from '../../../../shared/domain';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export interface BrowserSlice {
  browsedSnapshot: string | null;
  /** Children by folder path; a missing key means not loaded yet. */
  treeChildren: Record<string, ListEntry[]>;
  expanded: Record<string, boolean>;
  treeError: ContractError | null;
  selected: ListEntry | null;
  preview: FilePreview | null;
  previewLoading: boolean;
  previewError: ContractError | null;
  searchQuery: string;
  searchResults: ListEntry[] | null;
  searchTruncated: boolean;
  openSnapshot(id: string): void;
  closeSnapshot(): void;
  toggleFolder(path: string): Promise<void>;
  selectEntry(entry: ListEntry | null): Promise<void>;
  search(query: string): Promise<void>;
}

const idle = {
  browsedSnapshot: null,
  treeChildren: {},
  expanded: {},
  treeError: null,
  selected: null,
  preview: null,
  previewLoading: false,
  previewError: null,
  searchQuery: '',
  searchResults: null,
  searchTruncated: false,
};

export const createBrowserSlice: SliceCreator<BrowserSlice> = (api) => (set, get) => {
  const loadChildren = async (snapshot: string, path: string): Promise<void> => {
    try {
      const entries = await api.call('listTree', { snapshot, path });
      entries.sort(byFoldersThenName);
      if (get().browsedSnapshot !== snapshot) return;
      set((state) => ({ treeChildren: { ...state.treeChildren, [path]: entries } }));
    } catch (err) {
      if (get().browsedSnapshot === snapshot) set({ treeError: asContractError(err) });
    }
  };

  return {
    ...idle,
    openSnapshot(id) {
      set({ ...idle, browsedSnapshot: id, screen: 'browser' });
      void loadChildren(id, '/');
    },
    closeSnapshot: () => set(idle),
    async toggleFolder(path) {
      const snapshot = get().browsedSnapshot;
      if (snapshot === null) return;
      const open = !get().expanded[path];
      set((state) => ({ expanded: { ...state.expanded, [path]: open } }));
      if (open && get().treeChildren[path] === undefined) await loadChildren(snapshot, path);
    },
    async selectEntry(entry) {
      const snapshot = get().browsedSnapshot;
      set({ selected: entry, preview: null, previewError: null, previewLoading: false });
      if (snapshot === null || entry === null || entry.type !== 'file') return;
      set({ previewLoading: true });
      try {
        const preview = await api.call('previewFile', { snapshot, path: entry.path });
        if (get().selected?.path === entry.path) set({ preview, previewLoading: false });
      } catch (err) {
        if (get().selected?.path === entry.path) {
          set({ previewError: asContractError(err), previewLoading: false });
        }
      }
    },
    async search(query) {
      const snapshot = get().browsedSnapshot;
      set({ searchQuery: query });
      if (snapshot === null || query.trim() === '') {
        set({ searchResults: null, searchTruncated: false });
        return;
      }
      try {
        const { entries, truncated } = await api.call('searchTree', { snapshot, query });
        if (get().searchQuery === query)
          set({ searchResults: entries, searchTruncated: truncated });
      } catch (err) {
        if (get().searchQuery === query) set({ treeError: asContractError(err) });
      }
    },
  };
};

function byFoldersThenName(a: ListEntry, b: ListEntry): number {
  const folderA = a.type === 'dir' ? 0 : 1;
  const folderB = b.type === 'dir' ? 0 : 1;
  return folderA - folderB || a.name.localeCompare(b.name);
}
