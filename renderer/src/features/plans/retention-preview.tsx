import { useEffect, useState } from 'react';
import type { ArgsOf, ContractError, RetentionPreview } from '../../../../shared/contract';
import { useAppStore } from '../../store/store-context';

const previewDelayMs = 500;

/**
 * What the keep-* rules as typed would keep and remove of the plan's snapshots, with the rule
 * that keeps each: the engine's forget, dry run, on the plan's repository. Asked for once (it
 * opens the repository), then kept up to date as the rules change.
 */
export function RetentionPreviewPanel({ request }: { request: ArgsOf<'previewRetention'> }) {
  const preview = useAppStore((s) => s.previewRetention);
  const [shown, setShown] = useState(false);
  const [result, setResult] = useState<RetentionPreview | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  const key = JSON.stringify(request);

  useEffect(() => {
    if (!shown) return;
    let current = true;
    const timer = setTimeout(() => {
      void preview(JSON.parse(key) as ArgsOf<'previewRetention'>).then((answer) => {
        if (!current) return;
        if ('error' in answer) {
          setError(answer.error);
          setResult(null);
        } else {
          setError(null);
          setResult(answer);
        }
      });
    }, previewDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [preview, key, shown]);

  if (!shown)
    return (
      <button
        type="button"
        className="button"
        onClick={() => setShown(true)}
        data-testid="plan-retention-show"
      >
        What would it keep?
      </button>
    );
  return (
    <div data-testid="plan-retention-preview">
      {error && (
        <p className="field-error" data-testid="plan-retention-error">
          {error.message}
        </p>
      )}
      {result === null && error === null && <p className="muted small">Looking…</p>}
      {result && result.kept.length + result.removed.length === 0 && (
        <p className="muted small" data-testid="plan-retention-empty">
          The repository has no snapshots of this plan yet.
        </p>
      )}
      {result && result.kept.length + result.removed.length > 0 && (
        <>
          <p className="small" data-testid="plan-retention-summary">
            {result.rules
              ? `Of ${result.kept.length + result.removed.length} snapshots of this plan, ${result.kept.length} would be kept and ${result.removed.length} removed.`
              : `No keep rule: all ${result.kept.length} snapshots of this plan are kept.`}
          </p>
          <ul className="retention-preview small">
            {result.kept.map((s) => (
              <li key={s.id} data-testid="plan-retention-kept" data-id={s.id}>
                <span className="mono">{s.id}</span> {s.time}: kept
                {s.reasons.length > 0 && ` (${s.reasons.join(', ')})`}
              </li>
            ))}
            {result.removed.map((s) => (
              <li key={s.id} data-testid="plan-retention-removed" data-id={s.id}>
                <span className="mono">{s.id}</span> {s.time}:{' '}
                <span className="warning-text">removed</span> (no rule keeps it)
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
