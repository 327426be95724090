import { describe, expect, it, vi } from 'vitest';
import type { FilePreview } from '../../../../shared/contract';
import type { ListEntry } from '../../../../shared/domain';
import { createAppStore } from '../../store/app-store';
import { deferred, fakeApi } from '../../testing/fake-api';

const entry = (path: string, type: ListEntry['type'] = 'file'): ListEntry => ({
  path,
  name: path.split('/').pop() ?? '',
  type,
  size: 10,
  mode: 0o644,
  mtime: '2026-11-23T10:00:00Z',
});
const preview = (path: string): FilePreview => ({
  path,
  size: 10,
  kind: 'text',
  text: `text of ${path}`,
  truncated: false,
});

describe('browser slice', () => {
  it('lists folders first and loads children only when a folder opens', async () => {
    const api = fakeApi({
      listTree: ({ path }) =>
        path === '/' ? [entry('/z.txt'), entry('/docs', 'dir')] : [entry('/docs/a.txt')],
    });
    const store = createAppStore(api);
    store.getState().openSnapshot('abcd1234');
    await vi.waitFor(() =>
      expect(store.getState().treeChildren['/']?.map((e) => e.path)).toEqual(['/docs', '/z.txt']),
    );
    expect(store.getState().treeChildren['/docs']).toBeUndefined();
    await store.getState().toggleFolder('/docs');
    expect(store.getState().treeChildren['/docs']?.map((e) => e.path)).toEqual(['/docs/a.txt']);
  });

  it('shows the preview of the file selected last, even when an earlier answer arrives later', async () => {
    const slow = deferred<FilePreview>();
    const api = fakeApi({
      listTree: () => [],
      previewFile: ({ path }) => (path === '/a.txt' ? slow.promise : preview(path)),
    });
    const store = createAppStore(api);
    store.getState().openSnapshot('abcd1234');
    const first = store.getState().selectEntry(entry('/a.txt'));
    await store.getState().selectEntry(entry('/b.txt'));
    slow.resolve(preview('/a.txt'));
    await first;
    expect(store.getState().preview?.path).toBe('/b.txt');
  });

  it('keeps only the answer to the latest search', async () => {
    const slow = deferred<{ entries: ListEntry[]; truncated: boolean }>();
    const api = fakeApi({
      listTree: () => [],
      searchTree: ({ query }) =>
        query === 'no' ? slow.promise : { entries: [entry('/notes.md')], truncated: false },
    });
    const store = createAppStore(api);
    store.getState().openSnapshot('abcd1234');
    const first = store.getState().search('no');
    await store.getState().search('notes');
    slow.resolve({ entries: [entry('/nothing')], truncated: false });
    await first;
    expect(store.getState().searchResults?.map((e) => e.path)).toEqual(['/notes.md']);
  });
});
