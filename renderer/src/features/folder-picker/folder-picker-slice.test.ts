import { describe, expect, it, vi } from 'vitest';
import type { FolderListing } from '../../../../shared/contract';
import { createAppStore } from '../../store/app-store';
import { deferred, fakeApi } from '../../testing/fake-api';

const listing = (path: string): FolderListing => ({ path, parent: '/', entries: [] });

describe('folder picker slice', () => {
  it('shows the folder asked for last, even when the first listing arrives after it', async () => {
    const home = deferred<FolderListing>();
    const store = createAppStore(
      fakeApi({ browseFolders: ({ path }) => (path === undefined ? home.promise : listing(path)) }),
    );
    const picked = store.getState().pickFolder('source');
    await store.getState().browseTo('/data');
    home.resolve(listing('/home/me'));
    await vi.waitFor(() => expect(store.getState().folderPicker?.loading).toBe(false));
    expect(store.getState().folderPicker?.listing?.path).toBe('/data');
    store.getState().finishFolderPick('/data');
    expect(await picked).toBe('/data');
  });

  it('answers null when the dialog is cancelled', async () => {
    const store = createAppStore(fakeApi({ browseFolders: () => listing('/home/me') }));
    const picked = store.getState().pickFolder('restore-target');
    store.getState().finishFolderPick(null);
    expect(await picked).toBeNull();
    expect(store.getState().folderPicker).toBeNull();
  });
});
