import { useState } from 'react';
import type { ContractError, PlanSummary } from '../../../../shared/contract';
import { ErrorNotice } from '../../components/error-notice';
import { useAppStore } from '../../store/store-context';
import { ScheduleFields, scheduleDraft, scheduleOfDraft } from './schedule-fields';

type Field = 'name' | 'password' | 'folders' | 'schedule' | 'general';

/** Which field an error from the host is about, to show it there. */
function fieldOf(error: ContractError, folders: string[]): Field {
  const m = error.message;
  if (folders.some((f) => f !== '' && m.includes(f)) || /folder/i.test(m)) return 'folders';
  if (
    /^(--(every|daily|weekly|cron)|cron expression|choose one schedule|Choose at least one day)/.test(
      m,
    )
  )
    return 'schedule';
  if (/password|keychain/i.test(m)) return 'password';
  if (/plan name|plan named|Name the plan/i.test(m)) return 'name';
  return 'general';
}

/**
 * Adding or editing a plan: every field as `cairn plan add` takes it, checked by the host with
 * the CLI's own validation; an error shows beside the field it is about.
 */
export function PlanForm({ plan, onDone }: { plan: PlanSummary | null; onDone: () => void }) {
  const save = useAppStore((s) => s.savePlan);
  const repository = useAppStore((s) => s.repository);
  const [name, setName] = useState(plan?.name ?? '');
  const [location, setLocation] = useState(plan?.repository ?? repository?.location ?? '');
  const [password, setPassword] = useState('');
  const [folders, setFolders] = useState(plan?.folders.join('\n') ?? '');
  const [schedule, setSchedule] = useState(() => scheduleDraft(plan?.schedule ?? null));
  const [keepLast, setKeepLast] = useState(plan?.keepLast?.toString() ?? '');
  const [keepDaily, setKeepDaily] = useState(plan?.keepDaily?.toString() ?? '');
  const [errors, setErrors] = useState<Partial<Record<Field, ContractError>>>({});
  const [busy, setBusy] = useState(false);

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
      schedule: scheduleOfDraft(schedule),
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
        <ScheduleFields draft={schedule} onChange={setSchedule} />
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
