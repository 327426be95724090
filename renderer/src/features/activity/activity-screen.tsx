import { useEffect, useMemo } from 'react';
import { ACTIVITY_RESULTS, type ActivityResult } from '../../../../shared/activity';
import { ErrorNotice } from '../../components/error-notice';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';
import { OverdueAlerts } from '../plans/overdue-alerts';
import {
  activityEntries,
  ALL,
  APP_JOBS,
  filterEntries,
  planFilter,
  plansIn,
  type ActivityEntry,
} from './activity-slice';
import { resultWords, RunCard } from './run-card';

/** Plan runs happen without events to this page: the list is looked at again this often. */
const refreshMs = 5000;

/**
 * Every plan run and every job started in the app, newest first, kept by the host: running
 * ones with progress, rate, ETA and cancel; past ones with their result and log. Filters by
 * plan and by result.
 */
export function ActivityScreen() {
  const runs = useAppStore((s) => s.activity);
  const error = useAppStore((s) => s.activityError);
  const filter = useAppStore((s) => s.activityFilter);
  const setFilter = useAppStore((s) => s.setActivityFilter);
  const load = useAppStore((s) => s.loadActivity);
  const planSummaries = useAppStore((s) => s.plans);
  const loadPlans = useAppStore((s) => s.loadPlans);
  const jobs = useAppStore((s) => s.jobs);
  const jobOrder = useAppStore((s) => s.jobOrder);
  // A job of this session started or ended: the history has a new line.
  const jobsSeen = useAppStore(
    (s) =>
      `${s.jobOrder.length}:${s.jobOrder.filter((id) => s.jobs[id]?.status !== 'running').length}`,
  );

  useEffect(() => {
    void load();
  }, [load, jobsSeen]);
  useEffect(() => {
    // The plans too, for their overdue alerts.
    void loadPlans();
    const timer = setInterval(() => {
      void load();
      void loadPlans();
    }, refreshMs);
    return () => clearInterval(timer);
  }, [load, loadPlans]);

  const entries = useMemo(
    () => activityEntries(runs ?? [], jobs, jobOrder),
    [runs, jobs, jobOrder],
  );
  const shown = filterEntries(entries, filter);
  const plans = plansIn(runs ?? []);

  return (
    <div className="screen" data-testid="activity-screen">
      <header className="screen-header">
        <div>
          <h1>Activity</h1>
          <p className="muted">
            Plan runs and the backups, restores, checks and exports started here, kept across
            restarts.
          </p>
        </div>
      </header>
      <div className="activity-filters">
        <div className="field">
          <label htmlFor="activity-filter-plan">Plan</label>
          <select
            id="activity-filter-plan"
            className="input"
            value={filter.plan}
            onChange={(e) => setFilter({ plan: e.target.value })}
            data-testid="activity-filter-plan"
          >
            <option value={ALL}>All</option>
            <option value={APP_JOBS}>Started in the app</option>
            {plans.map((p) => (
              <option key={p} value={planFilter(p)}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="activity-filter-result">Result</label>
          <select
            id="activity-filter-result"
            className="input"
            value={filter.result}
            onChange={(e) => setFilter({ result: e.target.value as ActivityResult | typeof ALL })}
            data-testid="activity-filter-result"
          >
            <option value={ALL}>All</option>
            {ACTIVITY_RESULTS.map((r) => (
              <option key={r} value={r}>
                {resultWords[r]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <OverdueAlerts plans={planSummaries ?? []} />
      {error && <ErrorNotice error={error} testId="activity-error" />}
      {runs !== null && entries.length === 0 ? (
        <div className="empty" data-testid="activity-empty">
          Nothing has run yet.
        </div>
      ) : runs !== null && shown.length === 0 ? (
        <div className="empty" data-testid="activity-none-match">
          Nothing matches these filters.
        </div>
      ) : (
        <div className="stack">
          {shown.map((entry) => (
            <Entry key={entry.key} entry={entry} />
          ))}
        </div>
      )}
    </div>
  );
}

function Entry({ entry }: { entry: ActivityEntry }) {
  return (
    <div
      data-testid="activity-run"
      data-result={entry.result}
      data-plan={entry.plan ?? ''}
      data-kind={entry.run?.kind ?? entry.job?.kind}
    >
      {entry.job !== null ? (
        <JobCard jobId={entry.job.jobId} withLog />
      ) : (
        entry.run !== null && <RunCard run={entry.run} />
      )}
    </div>
  );
}
