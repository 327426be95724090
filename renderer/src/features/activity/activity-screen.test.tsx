// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityRun } from '../../../../shared/activity';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { fakeApi } from '../../testing/fake-api';
import { ActivityScreen } from './activity-screen';

afterEach(cleanup);

function run(id: string, change: Partial<ActivityRun>): ActivityRun {
  return {
    id,
    kind: 'backup',
    plan: null,
    trigger: 'app',
    repository: '/backups/cairn',
    startedAt: '2026-12-04T10:00:00.000Z',
    endedAt: '2026-12-04T10:00:05.000Z',
    result: 'ok',
    snapshot: null,
    stats: null,
    summary: null,
    warnings: [],
    error: null,
    jobId: null,
    ...change,
  };
}

// Newest first, as the host answers.
const history: ActivityRun[] = [
  run('20261204T100400-aaaaaa', {
    plan: 'docs',
    trigger: 'schedule',
    result: 'failed',
    error: 'repository not found at /gone',
  }),
  run('20261204T100300-bbbbbb', { kind: 'restore', summary: '4 files restored (1.2 kB)' }),
  run('20261204T100200-cccccc', {
    plan: 'photos',
    trigger: 'schedule',
    result: 'incomplete',
    warnings: ['/p/a.jpg: permission denied'],
  }),
  run('20261204T100100-dddddd', {
    plan: 'docs',
    trigger: 'schedule',
    snapshot: 'abcdef0123456789',
    stats: {
      files_new: 3,
      files_changed: 1,
      files_unchanged: 7,
      bytes_processed: 5000,
      bytes_added: 1200,
      duration_ms: 900,
    },
  }),
];

function renderScreen(runs = history) {
  const api = fakeApi({
    listActivity: () => runs,
    getActivityLog: ({ id }) => ({
      id,
      text: `2026-12-04T10:00:00Z backup started\n${id} log\n`,
      truncated: false,
    }),
    cancelJob: () => ({ cancelled: true }),
  });
  const store = createAppStore(api);
  render(
    <StoreProvider store={store}>
      <ActivityScreen />
    </StoreProvider>,
  );
  return { api, store };
}

const shownIds = () =>
  screen.queryAllByTestId('run-card').map((card) => card.getAttribute('data-run-id'));

const choose = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('ActivityScreen', () => {
  it('shows the kept history, newest first, with results, statistics and errors', async () => {
    renderScreen();
    await waitFor(() => expect(shownIds()).toHaveLength(4));
    expect(shownIds()).toEqual(history.map((r) => r.id));
    const [failed, restore, , backup] = screen.getAllByTestId('run-card') as HTMLElement[];
    expect(within(failed!).getByTestId('run-result').textContent).toBe('Failed');
    expect(within(failed!).getByTestId('run-error').textContent).toContain('repository not found');
    expect(within(restore!).getByTestId('run-summary').textContent).toBe(
      '4 files restored (1.2 kB).',
    );
    expect(within(backup!).getByTestId('run-summary').textContent).toContain(
      'Snapshot abcdef01: 3 new files, 1 changed file, 7 unchanged files',
    );
  });

  it('filters by result and by plan, together', async () => {
    renderScreen();
    await waitFor(() => expect(shownIds()).toHaveLength(4));
    choose('activity-filter-result', 'failed');
    expect(shownIds()).toEqual(['20261204T100400-aaaaaa']);
    choose('activity-filter-result', 'all');
    choose('activity-filter-plan', 'plan:docs');
    expect(shownIds()).toEqual(['20261204T100400-aaaaaa', '20261204T100100-dddddd']);
    choose('activity-filter-result', 'ok');
    expect(shownIds()).toEqual(['20261204T100100-dddddd']);
    choose('activity-filter-result', 'cancelled');
    expect(shownIds()).toEqual([]);
    expect(screen.getByTestId('activity-none-match')).toBeTruthy();
    choose('activity-filter-result', 'all');
    choose('activity-filter-plan', 'app');
    expect(shownIds()).toEqual(['20261204T100300-bbbbbb']);
    const plans = [
      ...(screen.getByTestId('activity-filter-plan') as HTMLSelectElement).options,
    ].map((o) => o.textContent);
    expect(plans).toEqual(['All', 'Started in the app', 'docs', 'photos']);
  });

  it('reads a run’s log from the host when it is opened', async () => {
    renderScreen();
    await waitFor(() => expect(shownIds()).toHaveLength(4));
    const card = screen.getAllByTestId('run-card')[1] as HTMLElement;
    const details = within(card).getByTestId('run-log') as HTMLDetailsElement;
    details.open = true;
    fireEvent(details, new Event('toggle'));
    await waitFor(() =>
      expect(within(card).getByTestId('run-log-text').textContent).toContain(
        '20261204T100300-bbbbbb log',
      ),
    );
  });

  it('follows a running job of this session with progress, rate and ETA, and cancels it', async () => {
    const { api, store } = renderScreen([
      run('20261204T100500-eeeeee', { result: 'running', endedAt: null, jobId: 'job-live-0001' }),
      ...history,
    ]);
    api.emit({
      type: 'started',
      jobId: 'job-live-0001',
      kind: 'backup',
      startedAt: '2026-12-04T10:05:00.000Z',
    });
    api.emit({
      type: 'progress',
      jobId: 'job-live-0001',
      progress: {
        phase: 'backup',
        files_done: 2,
        files_total: 10,
        bytes_done: 500,
        bytes_total: 1000,
        rate: 2_000_000,
        eta_s: 30,
        current: null,
      },
    });
    await waitFor(() => expect(screen.getByTestId('job-rate').textContent).toBe('2.00 MB/s'));
    expect(screen.getByTestId('job-eta').textContent).toBe('30 s left');
    choose('activity-filter-result', 'running');
    expect(screen.getAllByTestId('activity-run')).toHaveLength(1);
    fireEvent.click(screen.getByTestId('job-cancel'));
    await waitFor(() => expect(api.calls.some((c) => c.name === 'cancelJob')).toBe(true));
    expect(api.calls.find((c) => c.name === 'cancelJob')?.args).toEqual({ jobId: 'job-live-0001' });
    expect(store.getState().jobs['job-live-0001']?.cancelRequested).toBe(true);
  });
});
