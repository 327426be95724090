import type { PlanKeepRule, PlanSummary } from '../../../../shared/contract';

/** The keep-* rules as typed (checked by the host as `cairn plan add --keep-…` checks them). */
export type RetentionDraft = Record<PlanKeepRule | 'keepWithin', string>;

const rules: { key: PlanKeepRule | 'keepWithin'; label: string; testId: string }[] = [
  { key: 'keepLast', label: 'Keep last', testId: 'plan-keep-last' },
  { key: 'keepHourly', label: 'Hourly', testId: 'plan-keep-hourly' },
  { key: 'keepDaily', label: 'Daily', testId: 'plan-keep-daily' },
  { key: 'keepWeekly', label: 'Weekly', testId: 'plan-keep-weekly' },
  { key: 'keepMonthly', label: 'Monthly', testId: 'plan-keep-monthly' },
  { key: 'keepYearly', label: 'Yearly', testId: 'plan-keep-yearly' },
  { key: 'keepWithin', label: 'Within (1y6m)', testId: 'plan-keep-within' },
];

export function retentionDraft(plan: PlanSummary | null): RetentionDraft {
  const text = (n: number | string | null | undefined) => (n == null ? '' : String(n));
  return {
    keepLast: text(plan?.keepLast),
    keepHourly: text(plan?.keepHourly),
    keepDaily: text(plan?.keepDaily),
    keepWeekly: text(plan?.keepWeekly),
    keepMonthly: text(plan?.keepMonthly),
    keepYearly: text(plan?.keepYearly),
    keepWithin: text(plan?.keepWithin),
  };
}

/** The rules as the contract takes them: only those typed. */
export function retentionArgs(draft: RetentionDraft): Partial<RetentionDraft> {
  return Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim() !== ''));
}

/** One input per keep-* rule of `cairn forget`; empty: the rule is not used. */
export function RetentionFields({
  draft,
  onChange,
}: {
  draft: RetentionDraft;
  onChange: (draft: RetentionDraft) => void;
}) {
  return (
    <div className="row wrap">
      {rules.map(({ key, label, testId }) => (
        <div className="field" key={key}>
          <label htmlFor={testId}>{label}</label>
          <input
            id={testId}
            className="input"
            size={6}
            inputMode={key === 'keepWithin' ? 'text' : 'numeric'}
            value={draft[key]}
            onChange={(e) => onChange({ ...draft, [key]: e.target.value })}
            data-testid={testId}
          />
        </div>
      ))}
    </div>
  );
}
