/**
 * A progress bar that is honest about what it knows: a fraction when the total is known, an
 * indeterminate stripe while the engine is still counting.
 */
export function ProgressBar({ fraction, label }: { fraction: number | null; label: string }) {
  const percent = fraction === null ? null : Math.max(0, Math.min(100, fraction * 100));
  return (
    <div
      className={`progress ${percent === null ? 'progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent === null ? undefined : Math.round(percent)}
      data-testid="progress-bar"
    >
      <div
        className="progress-fill"
        style={percent === null ? undefined : { width: `${percent}%` }}
      />
    </div>
  );
}
