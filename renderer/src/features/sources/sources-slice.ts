/**
 * What "Back up now" backs up: folders, and API source definitions being edited. Held for this
 * session only; saved plans (sources + target + schedule) come with the Plans screen.
 */
import type {
  ApiSourceTest,
  ApiSourceValidation,
  ContractError,
} from '../../../../shared/contract';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';
import { loadFolders, saveFolders } from './saved-folders';

export interface ApiSourceDraft {
  id: string;
  text: string;
  validation: ApiSourceValidation | null;
  validationError: string | null;
  /** The last test request's answer, for the text it was made with. */
  test: { text: string; result: ApiSourceTest } | null;
  testing: boolean;
  testError: ContractError | null;
}

export interface SourcesSlice {
  folders: string[];
  apiSources: ApiSourceDraft[];
  /** Offers again the folders last used with this repository. */
  restoreFolders(location: string): void;
  addFolder(path: string): void;
  removeFolder(path: string): void;
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

export const createSourcesSlice: SliceCreator<SourcesSlice> = (api) => (set, get) => {
  const patchDraft = (id: string, patch: Partial<ApiSourceDraft>): void =>
    set((state) => ({
      apiSources: state.apiSources.map((draft) =>
        draft.id === id ? { ...draft, ...patch } : draft,
      ),
    }));

  const remember = (): void => {
    const location = get().repository?.location;
    if (location !== undefined) saveFolders(location, get().folders);
  };

  return {
    folders: [],
    apiSources: [],
    restoreFolders: (location) => set({ folders: loadFolders(location) }),
    addFolder(path) {
      const trimmed = path.trim();
      if (trimmed === '' || get().folders.includes(trimmed)) return;
      set((state) => ({ folders: [...state.folders, trimmed] }));
      remember();
    },
    removeFolder(path) {
      set((state) => ({ folders: state.folders.filter((f) => f !== path) }));
      remember();
    },
    addApiSource(text) {
      const id = `api-${nextDraft++}`;
      set((state) => ({
        apiSources: [
          ...state.apiSources,
          {
            id,
            text,
            validation: null,
            validationError: null,
            test: null,
            testing: false,
            testError: null,
          },
        ],
      }));
      void get().validateApiSource(id);
      return id;
    },
    // A verdict about other text must not stay on screen (no ✓ for what is no longer there).
    updateApiSource: (id, text) =>
      set((state) => ({
        apiSources: state.apiSources.map((draft) =>
          draft.id !== id || draft.text === text
            ? draft
            : { ...draft, text, validation: null, validationError: null },
        ),
      })),
    removeApiSource: (id) =>
      set((state) => ({ apiSources: state.apiSources.filter((draft) => draft.id !== id) })),
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
        }
      } catch (err) {
        patchDraft(id, { validationError: asContractError(err).message });
      }
    },
  };
};
