/**
 * What "Back up now" backs up into the open repository: folders, and API source definitions.
 * The host keeps both under CAIRN_HOME (never the browser's storage) and checks them: a folder
 * when it is added, a definition once it is valid (kept only with its secrets as references).
 * This slice holds what is on screen and the host's last word about it.
 */
import type {
  ApiSourceTest,
  ApiSourceValidation,
  ContractError,
  SavedSources,
} from '../../../../shared/contract';
import { asContractError, type CairnApi } from '../../api';
import type { SliceCreator } from '../../store/app-store';
import { forgetLegacyFolders, legacyFolderLists } from './legacy-folders';

export interface ApiSourceDraft {
  id: string;
  text: string;
  validation: ApiSourceValidation | null;
  validationError: string | null;
  /** The last test request's answer, for the text it was made with. */
  test: { text: string; result: ApiSourceTest } | null;
  testing: boolean;
  testError: ContractError | null;
  /** The host's id once it keeps this definition; null while it keeps none. */
  savedId: string | null;
  /** The text the host keeps under savedId (the editor may have moved on since). */
  savedText: string | null;
  /** Why the host would not keep the valid text (a secret written into it). */
  saveError: string | null;
}

export interface SourcesSlice {
  folders: string[];
  /** The host's refusal of the folder last added (named in it), shown by the field. */
  folderError: ContractError | null;
  /** Why the saved sources could not be read or changed (a damaged configuration, named). */
  sourcesError: ContractError | null;
  apiSources: ApiSourceDraft[];
  /** Offers again the folders and definitions kept for this repository. */
  restoreSources(location: string): Promise<void>;
  /** False when the host refused it (folderError says why). */
  addFolder(path: string): Promise<boolean>;
  removeFolder(path: string): Promise<void>;
  clearFolderError(): void;
  addApiSource(text: string): string;
  updateApiSource(id: string, text: string): void;
  removeApiSource(id: string): void;
  validateApiSource(id: string): Promise<void>;
  /** The test request: each endpoint's first page, nothing saved. */
  testApiSource(id: string): Promise<void>;
  /** Desktop: the native file dialog; returns the definition's text. */
  pickSourceDefinition(): Promise<string | null>;
}

let nextDraft = 1;

function newDraft(text: string, savedId: string | null = null): ApiSourceDraft {
  return {
    id: `api-${nextDraft++}`,
    text,
    validation: null,
    validationError: null,
    test: null,
    testing: false,
    testError: null,
    savedId,
    savedText: savedId === null ? null : text,
    saveError: null,
  };
}

export const createSourcesSlice: SliceCreator<SourcesSlice> = (api) => (set, get) => {
  const patchDraft = (id: string, patch: Partial<ApiSourceDraft>): void =>
    set((state) => ({
      apiSources: state.apiSources.map((draft) =>
        draft.id === id ? { ...draft, ...patch } : draft,
      ),
    }));

  const location = (): string | null => get().repository?.location ?? null;
  /** One host change at a time per definition, so a new one is not saved twice. */
  const queues = new Map<string, Promise<void>>();
  const queued = (id: string, work: () => Promise<void>): Promise<void> => {
    const next = (queues.get(id) ?? Promise.resolve()).then(work);
    queues.set(
      id,
      next.catch(() => undefined),
    );
    return next;
  };
  /** The host's id of each draft it keeps, known even after the draft left the screen. */
  const hostIds = new Map<string, string>();
  const hostId = (id: string): string | null =>
    hostIds.get(id) ?? get().apiSources.find((d) => d.id === id)?.savedId ?? null;
  const save = (id: string, text: string): Promise<void> =>
    queued(id, async () => {
      const at = location();
      const known = hostId(id);
      if (at === null || !get().apiSources.some((d) => d.id === id)) return;
      try {
        const args = { location: at, text, ...(known === null ? {} : { id: known }) };
        const { id: savedId } = await api.call('saveApiSource', args);
        hostIds.set(id, savedId);
        patchDraft(id, { savedId, savedText: text, saveError: null });
      } catch (err) {
        patchDraft(id, { saveError: asContractError(err).message });
      }
    });
  const hostSays = (sources: SavedSources): void => set({ folders: sources.folders });

  return {
    folders: [],
    folderError: null,
    sourcesError: null,
    apiSources: [],
    async restoreSources(at) {
      set({ folders: [], apiSources: [], folderError: null, sourcesError: null });
      try {
        const saved = await api.call('listSavedSources', { location: at });
        if (location() !== at) return; // another repository was opened meanwhile
        set({
          folders: saved.folders,
          apiSources: saved.apiSources.map((s) => newDraft(s.text, s.id)),
        });
      } catch (err) {
        set({ sourcesError: asContractError(err) });
      }
    },
    async addFolder(path) {
      const trimmed = path.trim();
      const at = location();
      if (trimmed === '' || at === null) return false;
      try {
        hostSays(await api.call('addSourceFolder', { location: at, path: trimmed }));
        set({ folderError: null });
        return true;
      } catch (err) {
        set({ folderError: asContractError(err) });
        return false;
      }
    },
    async removeFolder(path) {
      const at = location();
      set((state) => ({ folders: state.folders.filter((f) => f !== path), folderError: null }));
      if (at === null) return;
      try {
        hostSays(await api.call('removeSourceFolder', { location: at, path }));
      } catch (err) {
        set({ sourcesError: asContractError(err) });
      }
    },
    clearFolderError: () => set({ folderError: null }),
    addApiSource(text) {
      const draft = newDraft(text);
      set((state) => ({ apiSources: [...state.apiSources, draft] }));
      void get().validateApiSource(draft.id);
      return draft.id;
    },
    // A verdict about other text must not stay on screen (no ✓ for what is no longer there).
    updateApiSource: (id, text) =>
      set((state) => ({
        apiSources: state.apiSources.map((draft) =>
          draft.id !== id || draft.text === text
            ? draft
            : { ...draft, text, validation: null, validationError: null, saveError: null },
        ),
      })),
    removeApiSource(id) {
      const savedId = hostId(id);
      set((state) => ({ apiSources: state.apiSources.filter((draft) => draft.id !== id) }));
      const at = location();
      if (at === null) return;
      // After any save still on its way, so that it does not bring the definition back.
      void queued(id, async () => {
        const kept = hostIds.get(id) ?? savedId;
        if (kept !== null) await api.call('removeApiSource', { location: at, id: kept });
      }).catch((err: unknown) => set({ sourcesError: asContractError(err) }));
    },
    async pickSourceDefinition() {
      try {
        return (await api.call('pickSourceDefinition', {}))?.text ?? null;
      } catch {
        return null;
      }
    },
    async testApiSource(id) {
      const draft = get().apiSources.find((d) => d.id === id);
      if (draft === undefined) return;
      const text = draft.text;
      patchDraft(id, { testing: true, testError: null });
      try {
        const result = await api.call('testApiSource', { text });
        patchDraft(id, { testing: false, test: { text, result } });
      } catch (err) {
        patchDraft(id, { testing: false, test: null, testError: asContractError(err) });
      }
    },
    async validateApiSource(id) {
      const draft = get().apiSources.find((d) => d.id === id);
      if (draft === undefined) return;
      const text = draft.text;
      try {
        const validation = await api.call('validateApiSource', { text });
        // Only the answer for the text still in the editor counts.
        if (get().apiSources.find((d) => d.id === id)?.text === text) {
          patchDraft(id, { validation, validationError: null });
          // Kept by the host only once valid: what is saved is what a backup accepts.
          if (validation.ok) await save(id, text);
        }
      } catch (err) {
        patchDraft(id, { validationError: asContractError(err).message });
      }
    },
  };
};

/**
 * Once: hands the folders an older version kept in the browser's storage to the host, then
 * removes them there. A list the host could not take (a damaged configuration) is kept, to try
 * again on the next start: no folder is lost on the way.
 */
export async function takeOverLegacyFolders(api: CairnApi): Promise<void> {
  for (const { key, location, folders } of legacyFolderLists()) {
    try {
      if (folders.length > 0) await api.call('importSourceFolders', { location, folders });
      forgetLegacyFolders(key);
    } catch {
      // Tried again on the next start.
    }
  }
}
