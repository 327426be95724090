import type { PlanSummary } from '../../../../shared/contract';

/**
 * The overdue alert (SPEC F42): a plan that has gone three of its intervals without a completed
 * backup, named, with since when. Shown on the Plans and Activity screens.
 */
export function OverdueAlerts({ plans }: { plans: PlanSummary[] }) {
  const overdue = plans.filter((p) => p.overdue !== null);
  if (overdue.length === 0) return null;
  return (
    <div className="stack">
      {overdue.map((plan) => (
        <div
          key={plan.name}
          className="notice notice-warning"
          role="alert"
          data-testid="overdue-alert"
          data-plan={plan.name}
        >
          <div className="notice-text">
            <strong className="notice-title">Plan {plan.name} is overdue</strong>
            <span>
              {plan.overdue?.neverCompleted
                ? `It has not completed a backup since it was created (${plan.overdue.since}), three of its intervals (${plan.scheduleText}) ago.`
                : `No completed backup since ${plan.overdue?.since}, more than three of its intervals (${plan.scheduleText}).`}{' '}
              Look at its last runs in Activity.
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
