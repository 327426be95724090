import { useEffect, useState } from 'react';
import type { ContractError, PlanSummary } from '../../../../shared/contract';
import { ErrorNotice } from '../../components/error-notice';
import { useAppStore } from '../../store/store-context';
import { PlanApiSources } from './plan-api-sources';
import { RetentionFields, retentionArgs, retentionDraft } from './retention-fields';
import { RetentionPreviewPanel } from './retention-preview';
import { ScheduleFields, scheduleDraft, scheduleOfDraft, timeZoneOfDraft } from './schedule-fields';

const checkDelayMs = 300;

type Field =
  | 'name'
  | 'password'
  | 'folders'
  | 'api'
  | 'schedule'
  | 'retention'
  | 'prune'
  | 'verify'
  | 'general';

/** Which field an error from the host is about, to show it there. */
function fieldOf(error: ContractError, folders: string[]): Field {
  const m = error.message;
  if (folders.some((f) => f !== '' && m.includes(f)) || /folder/i.test(m)) return 'folders';
  if (
    /^(--(every|daily|weekly|cron)|cron expression|choose one schedule|Choose at least one day|unknown time zone)/.test(
      m,
    )
  )
    return 'schedule';
  if (/^(API source \d|--api)/.test(m)) return 'api';
  if (/^--keep-/.test(m)) return 'retention';
  if (/^--prune-every/.test(m)) return 'prune';
  if (/^--verify/.test(m)) return 'verify';
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
  const [schedule, setSchedule] = useState(() =>
    scheduleDraft(plan?.schedule ?? null, plan?.timeZone),
  );
  const [retention, setRetention] = useState(() => retentionDraft(plan));
  const [excludes, setExcludes] = useState(plan?.excludes.join('\n') ?? '');
  const [watch, setWatch] = useState(plan?.watch ?? false);
  const [onlyOnAc, setOnlyOnAc] = useState(plan?.onlyOnAc ?? false);
  const [verify, setVerify] = useState(plan?.verifyPercent == null ? '' : `${plan.verifyPercent}%`);
  const [apiSources, setApiSources] = useState(plan?.apiSources ?? []);
  const [apiEvery, setApiEvery] = useState(plan?.apiEvery ?? '');
  const [pruneEvery, setPruneEvery] = useState(String(plan?.pruneEvery ?? 1));
  const [errors, setErrors] = useState<Partial<Record<Field, ContractError>>>({});
  const [busy, setBusy] = useState(false);

  const folderList = lines(folders);
  const folderProblems = useFolderProblems(folderList);

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
      timeZone: timeZoneOfDraft(schedule),
      ...retentionArgs(retention),
      excludes: lines(excludes),
      watch,
      onlyOnAc,
      ...(verify.trim() !== '' ? { verify } : {}),
      pruneEvery,
      apiSources,
      ...(apiEvery.trim() !== '' && apiSources.length > 0 ? { apiEvery } : {}),
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
    <form className="card stack plan-form" onSubmit={(e) => void submit(e)} data-testid="plan-form">
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
        {folderProblems.length > 0 && (
          <ul className="problems" data-testid="plan-folder-problems">
            {folderProblems.map((p) => (
              <li key={p.folder} className="field-error" data-testid="plan-folder-problem">
                {p.problem}
              </li>
            ))}
          </ul>
        )}
        {fieldError('folders')}
      </div>
      <fieldset className="field">
        <legend>
          API sources (definitions, secrets by reference: env:NAME, file:PATH, keychain:ENTRY)
        </legend>
        <PlanApiSources
          texts={apiSources}
          onChange={setApiSources}
          apiEvery={apiEvery}
          onApiEvery={setApiEvery}
        />
        {fieldError('api')}
      </fieldset>
      <div className="field">
        <label htmlFor="plan-excludes">
          Leave out (one pattern a line, gitignore style, like <code>*.tmp</code> or{' '}
          <code>node_modules/</code>)
        </label>
        <textarea
          id="plan-excludes"
          className="input mono"
          rows={2}
          value={excludes}
          onChange={(e) => setExcludes(e.target.value)}
          data-testid="plan-excludes"
        />
      </div>
      {(plan?.before || plan?.after) && (
        <div className="field" data-testid="plan-commands">
          <span className="label">Commands (set with cairn plan add; kept as they are)</span>
          {plan.before && (
            <p className="hint">
              Before each backup: <code>{plan.before}</code>
            </p>
          )}
          {plan.after && (
            <p className="hint">
              After each backup: <code>{plan.after}</code>
            </p>
          )}
        </div>
      )}
      <div className="field">
        <label htmlFor="plan-schedule-kind">Runs</label>
        <ScheduleFields draft={schedule} onChange={setSchedule} />
        {fieldError('schedule')}
        <div className="row">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={watch}
              onChange={(e) => setWatch(e.target.checked)}
              data-testid="plan-watch"
            />
            Also back up shortly after files in the folders change
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={onlyOnAc}
              onChange={(e) => setOnlyOnAc(e.target.checked)}
              data-testid="plan-only-on-ac"
            />
            Only on AC power
          </label>
        </div>
      </div>
      <fieldset className="field">
        <legend>Retention after each backup (empty: keep everything)</legend>
        <RetentionFields draft={retention} onChange={setRetention} />
        {fieldError('retention')}
        <RetentionPreviewPanel
          request={{
            name: name.trim() === '' ? 'unnamed' : name,
            ...(plan ? { replaces: plan.name } : {}),
            repository: location,
            ...(password !== '' ? { password } : {}),
            ...retentionArgs(retention),
          }}
        />
        <div className="row">
          <label htmlFor="plan-prune-every">Prune every</label>
          <input
            id="plan-prune-every"
            className="input"
            size={4}
            inputMode="numeric"
            value={pruneEvery}
            onChange={(e) => setPruneEvery(e.target.value)}
            data-testid="plan-prune-every"
          />
          <span className="muted small">runs that forgot snapshots (0: never)</span>
        </div>
        {fieldError('prune')}
      </fieldset>
      <div className="field">
        <label htmlFor="plan-verify">
          Read back this share of the data after each run (like 5%; empty: no check)
        </label>
        <input
          id="plan-verify"
          className="input"
          value={verify}
          onChange={(e) => setVerify(e.target.value)}
          data-testid="plan-verify"
        />
        {fieldError('verify')}
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

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Each folder checked by the host as it is typed: missing, a file, not a full path. */
function useFolderProblems(folders: string[]): { folder: string; problem: string }[] {
  const check = useAppStore((s) => s.checkPlanFolders);
  const [problems, setProblems] = useState<{ folder: string; problem: string }[]>([]);
  const key = JSON.stringify(folders);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void check(JSON.parse(key) as string[]).then((found) => {
        if (current) setProblems(found);
      });
    }, checkDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [check, key]);
  return problems;
}
