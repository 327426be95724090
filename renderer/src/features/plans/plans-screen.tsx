import { useEffect, useState } from 'react';
import type { PlanSummary } from '../../../../shared/contract';
import { ErrorNotice } from '../../components/error-notice';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';
import { OverdueAlerts } from './overdue-alerts';
import { PlanForm } from './plan-form';

/** Plans run without events to this page: the list is looked at again this often. */
const refreshMs = 3000;

/**
 * The backup plans the host runs on schedule (`cairn serve`, the desktop app): each with its
 * health, last and next run, and Run now / Pause / Resume / Remove; a form to add or edit one
 * with the next runs previewed as the schedule is typed.
 */
export function PlansScreen() {
  const plans = useAppStore((s) => s.plans);
  const error = useAppStore((s) => s.plansError);
  const load = useAppStore((s) => s.loadPlans);
  const [editing, setEditing] = useState<PlanSummary | 'new' | null>(null);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), refreshMs);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <div className="screen" data-testid="plans-screen">
      <header className="screen-header">
        <div>
          <h1>Plans</h1>
          <p className="muted">
            Backups that run by themselves on a schedule, while Cairn runs; their password is kept
            in the system keychain.
          </p>
        </div>
        {editing === null && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => setEditing('new')}
            data-testid="plan-new"
          >
            New plan
          </button>
        )}
      </header>
      {error && <ErrorNotice error={error} testId="plans-error" />}
      <OverdueAlerts plans={plans ?? []} />
      {editing !== null && (
        <PlanForm plan={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
      )}
      {plans !== null && plans.length === 0 && editing === null ? (
        <div className="empty" data-testid="plans-empty">
          No plans yet.
        </div>
      ) : (
        <div className="stack">
          {(plans ?? []).map((plan) => (
            <PlanCard key={plan.name} plan={plan} onEdit={() => setEditing(plan)} />
          ))}
        </div>
      )}
    </div>
  );
}

function PlanCard({ plan, onEdit }: { plan: PlanSummary; onEdit: () => void }) {
  const act = useAppStore((s) => s.planAction);
  // Its run in progress (scheduled or Run now), live, with Cancel.
  const running = useAppStore((s) =>
    s.jobOrder.find((id) => s.jobs[id]?.plan === plan.name && s.jobs[id]?.status === 'running'),
  );
  return (
    <div
      className="card"
      data-testid="plan-card"
      data-plan={plan.name}
      data-health={plan.health}
      data-paused={plan.paused ? 'yes' : 'no'}
      data-last-result={plan.lastResult ?? ''}
    >
      <div className="row">
        <strong className="grow">{plan.name}</strong>
        <span className="badge" data-testid="plan-health">
          {plan.health}
        </span>
      </div>
      <p className="muted small mono">
        {plan.folders.join(', ')} → {plan.repository}
      </p>
      <p className="small">
        {plan.scheduleText} ({plan.timeZone}) · last run{' '}
        <span data-testid="plan-last-run">
          {plan.lastRun === null ? 'never' : `${plan.lastRun}, ${plan.lastResult ?? ''}`}
        </span>{' '}
        · next run <span data-testid="plan-next-run">{plan.nextRuns[0] ?? '—'}</span>
      </p>
      {running !== undefined && <JobCard jobId={running} />}
      <div className="row">
        <button
          type="button"
          className="button"
          onClick={() => void act('runPlanNow', plan.name)}
          data-testid="plan-run-now"
        >
          Run now
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void act(plan.paused ? 'resumePlan' : 'pausePlan', plan.name)}
          data-testid={plan.paused ? 'plan-resume' : 'plan-pause'}
        >
          {plan.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="button" onClick={onEdit} data-testid="plan-edit">
          Edit
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            if (window.confirm(`Remove plan ${plan.name}? Its snapshots stay in the repository.`))
              void act('removePlan', plan.name);
          }}
          data-testid="plan-remove"
        >
          Remove
        </button>
      </div>
    </div>
  );
}
