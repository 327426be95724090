// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { fakeApi } from '../../testing/fake-api';
import { sampleSnapshot } from '../../testing/sample-snapshot';
import { SnapshotsScreen } from './snapshots-screen';

afterEach(cleanup);

describe('SnapshotsScreen', () => {
  it('lists snapshots newest first, flags an incomplete one with its reasons, and opens one', async () => {
    const complete = sampleSnapshot({
      id: 'a'.repeat(64),
      short_id: 'aaaaaaaa',
      time: '2026-11-01T10:00:00Z',
    });
    const incomplete = sampleSnapshot({
      id: 'b'.repeat(64),
      short_id: 'bbbbbbbb',
      time: '2026-11-02T10:00:00Z',
      incomplete: true,
      incomplete_reasons: ['/home/me/secret.txt: permission denied'],
    });
    const api = fakeApi({ listSnapshots: () => [complete, incomplete], listTree: () => [] });
    const store = createAppStore(api);
    await store.getState().loadSnapshots();
    render(
      <StoreProvider store={store}>
        <SnapshotsScreen />
      </StoreProvider>,
    );
    const rows = screen.getAllByTestId('snapshot-row');
    expect(rows.map((r) => r.getAttribute('data-snapshot-id'))).toEqual([
      incomplete.id,
      complete.id,
    ]);
    const flag = screen.getByTestId('snapshot-incomplete');
    expect(flag.getAttribute('title')).toBe('/home/me/secret.txt: permission denied');
    expect(rows[1]?.textContent).toContain('Complete');

    fireEvent.click(screen.getAllByTestId('snapshot-open')[1] as HTMLElement);
    await waitFor(() => expect(store.getState().screen).toBe('browser'));
    expect(store.getState().browsedSnapshot).toBe(complete.id);
  });
});
