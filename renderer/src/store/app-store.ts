/**
 * One zustand store built from the features' slices. It holds UI state and a cache of what the
 * engine said; the engine stays the source of truth. The API is injected so tests can hand in
 * a double.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { CairnApi } from '../api';
import { createActivitySlice, type ActivitySlice } from '../features/activity/activity-slice';
import {
  createApiRestoreSlice,
  type ApiRestoreSlice,
} from '../features/restore-api/api-restore-slice';
import { createBrowserSlice, type BrowserSlice } from '../features/browser/browser-slice';
import { createCompareSlice, type CompareSlice } from '../features/compare/compare-slice';
import {
  createFolderPickerSlice,
  type FolderPickerSlice,
} from '../features/folder-picker/folder-picker-slice';
import { createPlansSlice, type PlansSlice } from '../features/plans/plans-slice';
import { createJobsSlice, type JobsSlice } from '../features/jobs/jobs-slice';
import {
  createNavigationSlice,
  type NavigationSlice,
} from '../features/navigation/navigation-slice';
import {
  createRepositorySlice,
  type RepositorySlice,
} from '../features/repository/repository-slice';
import { createTargetSlice, type TargetSlice } from '../features/repository/target-slice';
import { createSnapshotsSlice, type SnapshotsSlice } from '../features/snapshots/snapshots-slice';
import { createSourcesSlice, type SourcesSlice } from '../features/sources/sources-slice';

export type AppState = NavigationSlice &
  RepositorySlice &
  SourcesSlice &
  JobsSlice &
  SnapshotsSlice &
  BrowserSlice &
  FolderPickerSlice &
  CompareSlice &
  TargetSlice &
  ActivitySlice &
  ApiRestoreSlice &
  PlansSlice;

/** A slice's creator: it sees the whole state, and the API it may call. */
export type SliceCreator<T> = (api: CairnApi) => StateCreator<AppState, [], [], T>;

export type AppStore = StoreApi<AppState>;

export function createAppStore(api: CairnApi): AppStore {
  const store = createStore<AppState>()((...args) => ({
    ...createNavigationSlice(api)(...args),
    ...createRepositorySlice(api)(...args),
    ...createSourcesSlice(api)(...args),
    ...createJobsSlice(api)(...args),
    ...createSnapshotsSlice(api)(...args),
    ...createBrowserSlice(api)(...args),
    ...createFolderPickerSlice(api)(...args),
    ...createCompareSlice(api)(...args),
    ...createTargetSlice(api)(...args),
    ...createActivitySlice(api)(...args),
    ...createApiRestoreSlice(api)(...args),
    ...createPlansSlice(api)(...args),
  }));
  api.onJobEvent((event) => store.getState().applyJobEvent(event));
  api.onDisconnect(() => store.setState({ connectionLost: true }));
  return store;
}
