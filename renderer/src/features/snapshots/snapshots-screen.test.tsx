// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { ApiError } from '../../api';
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

  it('copies the ticked snapshots into a new repository and says when all were there already', async () => {
    const a = sampleSnapshot({
      id: 'a'.repeat(64),
      short_id: 'aaaaaaaa',
      time: '2026-11-01T10:00:00Z',
    });
    const b = sampleSnapshot({
      id: 'b'.repeat(64),
      short_id: 'bbbbbbbb',
      time: '2026-11-02T10:00:00Z',
    });
    let refuse = true;
    const api = fakeApi({
      listSnapshots: () => [a, b],
      startCopy: ({ jobId }) => {
        if (refuse) {
          throw new ApiError({
            kind: 'wrong-password',
            message: 'wrong password for /backup/other',
          });
        }
        return { jobId };
      },
    });
    const store = createAppStore(api);
    await store.getState().loadSnapshots();
    render(
      <StoreProvider store={store}>
        <SnapshotsScreen />
      </StoreProvider>,
    );
    fireEvent.click(screen.getAllByTestId('snapshot-choose')[1] as HTMLElement);
    fireEvent.click(screen.getAllByTestId('snapshot-choose')[0] as HTMLElement);
    expect(screen.getByTestId('copy-open').textContent).toContain('Copy 2');
    fireEvent.click(screen.getByTestId('copy-open'));
    fireEvent.click(screen.getByTestId('copy-mode-new'));
    fireEvent.change(screen.getByTestId('copy-path'), { target: { value: '/backup/other' } });
    fireEvent.change(screen.getByTestId('copy-password'), { target: { value: 'pw-1' } });
    fireEvent.change(screen.getByTestId('copy-password-again'), { target: { value: 'pw-2' } });
    expect(screen.getByTestId('copy-problem').textContent).toBe('The two passwords differ');
    expect((screen.getByTestId('copy-start') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('copy-password-again'), { target: { value: 'pw-1' } });

    // A refusal stays in the dialog.
    fireEvent.click(screen.getByTestId('copy-start'));
    await waitFor(() => expect(screen.getByTestId('copy-error')).toBeTruthy());
    // The refusal can show before the first attempt has finished ("Starting…", disabled).
    await waitFor(() =>
      expect((screen.getByTestId('copy-start') as HTMLButtonElement).disabled).toBe(false),
    );
    refuse = false;
    fireEvent.click(screen.getByTestId('copy-start'));
    await waitFor(() => expect(store.getState().jobOrder).toHaveLength(1));
    const copyCall = api.calls.filter((c) => c.name === 'startCopy').pop();
    expect(copyCall?.args).toMatchObject({
      snapshots: [b.id, a.id],
      destination: { location: '/backup/other', password: 'pw-1', secrets: {} },
      create: true,
    });
    const jobId = store.getState().jobOrder[0] as string;
    api.emit({
      type: 'succeeded',
      jobId,
      result: {
        kind: 'copy',
        summary: {
          destination: '/backup/other',
          created: false,
          copied: [],
          skipped: [
            { source: a.id, copy: 'c'.repeat(64) },
            { source: b.id, copy: 'd'.repeat(64) },
          ],
          blobs_added: 0,
          bytes_added: 0,
          packs_written: 0,
        },
      },
    });
    await waitFor(() =>
      expect(screen.getByTestId('job-result').textContent).toBe(
        'Nothing to copy: all 2 snapshots are already there.',
      ),
    );
  });
});
