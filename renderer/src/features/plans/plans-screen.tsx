import { useEffect, useState } from 'react';
import type { ContractError, PlanScheduleInput, PlanSummary } from '../../../../shared/contract';
import { ErrorNotice } from '../../components/error-notice';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';
import { OverdueAlerts } from './overdue-alerts';

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

type Field = 'name' | 'password' | 'folders' | 'schedule' | 'general';

/** Which field an error from the host is about, to show it there. */
function fieldOf(error: ContractError, folders: string[]): Field {
  const m = error.message;
  if (folders.some((f) => f !== '' && m.includes(f)) || /folder/i.test(m)) return 'folders';
  if (/^--(every|daily)/.test(m)) return 'schedule';
  if (/password|keychain/i.test(m)) return 'password';
  if (/plan name|plan named|Name the plan/i.test(m)) return 'name';
  return 'general';
}

function PlanForm({ plan, onDone }: { plan: PlanSummary | null; onDone: () => void }) {
  const save = useAppStore((s) => s.savePlan);
  const preview = useAppStore((s) => s.previewSchedule);
  const repository = useAppStore((s) => s.repository);
  const [name, setName] = useState(plan?.name ?? '');
  const [location, setLocation] = useState(plan?.repository ?? repository?.location ?? '');
  const [password, setPassword] = useState('');
  const [folders, setFolders] = useState(plan?.folders.join('\n') ?? '');
  const [kind, setKind] = useState<PlanScheduleInput['kind']>(plan?.schedule?.kind ?? 'every');
  const [every, setEvery] = useState(plan?.schedule?.kind === 'every' ? plan.schedule.every : '1h');
  const [time, setTime] = useState(plan?.schedule?.kind === 'daily' ? plan.schedule.time : '02:30');
  const [keepLast, setKeepLast] = useState(plan?.keepLast?.toString() ?? '');
  const [keepDaily, setKeepDaily] = useState(plan?.keepDaily?.toString() ?? '');
  const [runs, setRuns] = useState<string[]>([]);
  const [scheduleError, setScheduleError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, ContractError>>>({});
  const [busy, setBusy] = useState(false);
  const schedule: PlanScheduleInput = kind === 'every' ? { kind, every } : { kind, time };

  useEffect(() => {
    let current = true;
    void preview(kind === 'every' ? { kind, every } : { kind, time }).then((result) => {
      if (!current) return;
      if ('error' in result) {
        setRuns([]);
        setScheduleError(result.error.message);
      } else {
        setRuns(result.runs);
        setScheduleError(null);
      }
    });
    return () => {
      current = false;
    };
  }, [preview, kind, every, time]);

  const folderList = folders
    .split('\n')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const count = (text: string) => (text.trim() === '' ? undefined : Number(text));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    const error = await save({
      ...(plan ? { replaces: plan.name } : {}),
      name,
      repository: location,
      ...(password !== '' ? { password } : {}),
      folders: folderList,
      schedule,
      ...(count(keepLast) !== undefined ? { keepLast: count(keepLast) } : {}),
      ...(count(keepDaily) !== undefined ? { keepDaily: count(keepDaily) } : {}),
    });
    setBusy(false);
    if (error === null) onDone();
    else setErrors({ [fieldOf(error, folderList)]: error });
  }

  const fieldError = (field: Field) =>
    errors[field] && (
      <p className="field-error" data-testid={`plan-error-${field}`}>
        {errors[field].message}
      </p>
    );

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} data-testid="plan-form">
      <h2>{plan ? `Edit plan ${plan.name}` : 'New plan'}</h2>
      <div className="field">
        <label htmlFor="plan-name">Name</label>
        <input
          id="plan-name"
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="plan-name"
        />
        {fieldError('name')}
      </div>
      <div className="field">
        <label htmlFor="plan-repository">Repository</label>
        <input
          id="plan-repository"
          className="input mono"
          value={location}
          onChange={(e) => setLocation(e.target.value)}
          data-testid="plan-repository"
        />
      </div>
      <div className="field">
        <label htmlFor="plan-password">
          Repository password{plan ? ' (leave empty to keep it)' : ''}
        </label>
        <input
          id="plan-password"
          type="password"
          className="input"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="plan-password"
        />
        {fieldError('password')}
      </div>
      <div className="field">
        <label htmlFor="plan-folders">Folders (one full path a line)</label>
        <textarea
          id="plan-folders"
          className="input mono"
          rows={3}
          value={folders}
          onChange={(e) => setFolders(e.target.value)}
          data-testid="plan-folders"
        />
        {fieldError('folders')}
      </div>
      <div className="field">
        <label htmlFor="plan-schedule-kind">Runs</label>
        <div className="row">
          <select
            id="plan-schedule-kind"
            className="input"
            value={kind}
            onChange={(e) => setKind(e.target.value as PlanScheduleInput['kind'])}
            data-testid="plan-schedule-kind"
          >
            <option value="every">every</option>
            <option value="daily">daily at</option>
          </select>
          {kind === 'every' ? (
            <input
              className="input"
              aria-label="Interval, like 30m or 2h"
              value={every}
              onChange={(e) => setEvery(e.target.value)}
              data-testid="plan-every"
            />
          ) : (
            <input
              className="input"
              aria-label="Time, HH:MM"
              value={time}
              onChange={(e) => setTime(e.target.value)}
              data-testid="plan-time"
            />
          )}
        </div>
        {scheduleError !== null ? (
          <p className="field-error" data-testid="plan-schedule-error">
            {scheduleError}
          </p>
        ) : (
          <p className="muted small" data-testid="plan-preview">
            Next runs: {runs.join(' · ')}
          </p>
        )}
        {fieldError('schedule')}
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor="plan-keep-last">Keep last</label>
          <input
            id="plan-keep-last"
            className="input"
            inputMode="numeric"
            value={keepLast}
            onChange={(e) => setKeepLast(e.target.value)}
            data-testid="plan-keep-last"
          />
        </div>
        <div className="field">
          <label htmlFor="plan-keep-daily">Keep daily</label>
          <input
            id="plan-keep-daily"
            className="input"
            inputMode="numeric"
            value={keepDaily}
            onChange={(e) => setKeepDaily(e.target.value)}
            data-testid="plan-keep-daily"
          />
        </div>
      </div>
      {errors.general && <ErrorNotice error={errors.general} testId="plan-save-error" />}
      <div className="row">
        <button
          type="submit"
          className="button button-primary"
          disabled={busy}
          data-testid="plan-save"
        >
          Save plan
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
