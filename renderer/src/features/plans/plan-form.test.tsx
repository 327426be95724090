// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArgsOf, PlanSummary } from '../../../../shared/contract';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { ApiError } from '../../api';
import { fakeApi } from '../../testing/fake-api';
import { PlanForm } from './plan-form';

afterEach(cleanup);

const saved: PlanSummary = {
  name: 'docs',
  repository: '/backups/cairn',
  folders: ['/home/ana/docs'],
  schedule: { kind: 'weekly', days: ['mon', 'thu'], time: '18:00' },
  scheduleText: 'mon, thu at 18:00',
  timeZone: 'Europe/Berlin',
  keepLast: 3,
  keepDaily: 7,
  keepHourly: null,
  keepWeekly: 4,
  keepMonthly: null,
  keepYearly: null,
  keepWithin: '1y',
  excludes: ['*.tmp', 'cache/'],
  watch: true,
  onlyOnAc: true,
  verifyPercent: 5,
  pruneEvery: 2,
  apiSources: ['{ "name": "crm" }'],
  apiEvery: '15m',
  paused: false,
  health: 'ok',
  lastRun: null,
  lastResult: null,
  nextRuns: [],
  overdue: null,
  before: null,
  after: null,
};

function renderForm(plan: PlanSummary | null, saveError?: string) {
  const saves: ArgsOf<'savePlan'>[] = [];
  const api = fakeApi({
    previewSchedule: ({ schedule }) => ({
      text: JSON.stringify(schedule),
      runs: ['2026-12-07 18:00:00'],
    }),
    checkPlanFolders: ({ folders }) =>
      folders
        .filter((f) => !f.startsWith('/'))
        .map((folder) => ({ folder, problem: `${folder} is not a full path` })),
    validateApiSource: () => ({
      available: true,
      ok: true,
      name: 'crm',
      endpoints: ['contacts'],
      problems: [],
    }),
    savePlan: (args) => {
      saves.push(args);
      if (saveError !== undefined)
        throw new ApiError({ kind: 'invalid-argument', message: saveError });
      return saved;
    },
    listPlans: () => [saved],
  });
  const store = createAppStore(api);
  render(
    <StoreProvider store={store}>
      <PlanForm plan={plan} onDone={() => undefined} />
    </StoreProvider>,
  );
  return { api, saves };
}

const type = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
const previews = (api: ReturnType<typeof fakeApi>) =>
  api.calls.filter((c) => c.name === 'previewSchedule').map((c) => c.args);

const localZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;

describe('PlanForm', () => {
  it('previews a weekly schedule on the ticked days and a cron expression', async () => {
    const { api } = renderForm(null);
    type('plan-schedule-kind', 'weekly');
    fireEvent.click(screen.getByTestId('plan-day-fri'));
    type('plan-time', '07:30');
    await waitFor(() =>
      expect(previews(api)).toContainEqual({
        schedule: { kind: 'weekly', days: ['mon', 'fri'], time: '07:30' },
        timeZone: localZone,
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('plan-preview').textContent).toBe('Next runs: 2026-12-07 18:00:00'),
    );
    type('plan-schedule-kind', 'cron');
    type('plan-cron', '0 3 * * 1-5');
    await waitFor(() =>
      expect(previews(api)).toContainEqual({
        schedule: { kind: 'cron', expression: '0 3 * * 1-5' },
        timeZone: localZone,
      }),
    );
  });

  it('previews and saves in the zone typed; a new plan starts in this machine’s', async () => {
    const { api, saves } = renderForm(null);
    expect((screen.getByTestId('plan-time-zone') as HTMLInputElement).value).toBe(localZone);
    type('plan-time-zone', 'Asia/Tokyo');
    await waitFor(() =>
      expect(previews(api)).toContainEqual({
        schedule: { kind: 'every', every: '1h' },
        timeZone: 'Asia/Tokyo',
      }),
    );
    type('plan-name', 'docs');
    fireEvent.click(screen.getByTestId('plan-save'));
    await waitFor(() => expect(saves).toHaveLength(1));
    expect(saves[0]!.timeZone).toBe('Asia/Tokyo');
  });

  it('says at once, beside the field, what is wrong with a folder typed', async () => {
    renderForm(null);
    type('plan-folders', '/home/ana/docs\nphotos');
    await waitFor(() =>
      expect(screen.getByTestId('plan-folder-problem').textContent).toBe(
        'photos is not a full path',
      ),
    );
  });

  it('gives back every field of a saved plan and saves them as they are', async () => {
    const { saves } = renderForm(saved);
    expect((screen.getByTestId('plan-day-thu') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('plan-day-tue') as HTMLInputElement).checked).toBe(false);
    fireEvent.click(screen.getByTestId('plan-save'));
    await waitFor(() => expect(saves).toHaveLength(1));
    expect(saves[0]).toEqual({
      replaces: 'docs',
      name: 'docs',
      repository: '/backups/cairn',
      folders: ['/home/ana/docs'],
      schedule: { kind: 'weekly', days: ['mon', 'thu'], time: '18:00' },
      timeZone: 'Europe/Berlin',
      keepLast: '3',
      keepDaily: '7',
      keepWeekly: '4',
      keepWithin: '1y',
      excludes: ['*.tmp', 'cache/'],
      watch: true,
      onlyOnAc: true,
      verify: '5%',
      pruneEvery: '2',
      apiSources: ['{ "name": "crm" }'],
      apiEvery: '15m',
    });
  });

  it('shows the host’s refusal of the verification share beside that field', async () => {
    renderForm(saved, '--verify 500%: write a percentage like 5%');
    type('plan-verify', '500%');
    fireEvent.click(screen.getByTestId('plan-save'));
    await waitFor(() =>
      expect(screen.getByTestId('plan-error-verify').textContent).toContain(
        '--verify 500%: write a percentage like 5%',
      ),
    );
  });
});
