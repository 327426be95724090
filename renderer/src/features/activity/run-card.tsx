import type { ActivityResult, ActivityRun } from '../../../../shared/activity';
import { ErrorNotice } from '../../components/error-notice';
import { formatBytes, formatDateTime, formatDuration, plural } from '../../components/format';
import { useAppStore } from '../../store/store-context';
import { jobTitles as titles } from '../jobs/job-titles';
import { RunningProgress } from '../jobs/job-card';

export const resultWords: Record<ActivityResult, string> = {
  running: 'Running',
  ok: 'Done',
  incomplete: 'Completed with warnings',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  interrupted: 'Interrupted',
};

/** Badge colours: done, with warnings, failed, or neutral. */
const badges: Record<ActivityResult, string> = {
  running: 'running',
  ok: 'succeeded',
  incomplete: 'incomplete',
  failed: 'failed',
  interrupted: 'failed',
  cancelled: 'cancelled',
  skipped: 'cancelled',
};

/** A run from the history: what ran, when, how it ended, its statistics, warnings and log. */
export function RunCard({ run }: { run: ActivityRun }) {
  const duration =
    run.endedAt === null ? null : (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
  return (
    <section className="card job-card" data-testid="run-card" data-run-id={run.id}>
      <header className="job-header">
        <h3>
          {titles[run.kind]}
          {run.plan !== null && <span data-testid="run-plan"> · plan {run.plan}</span>}
          <span className="muted small job-started">
            {' '}
            · {run.plan === null ? 'started' : triggerWords(run.trigger)}{' '}
            {formatDateTime(run.startedAt)}
            {duration !== null && `, took ${formatDuration(duration)}`}
          </span>
          <span className={`badge badge-${badges[run.result]}`} data-testid="run-result">
            {resultWords[run.result]}
          </span>
        </h3>
      </header>
      {run.repository !== null && (
        <p className="muted small mono" data-testid="run-repository">
          {run.repository}
        </p>
      )}
      {run.result === 'running' && run.progress != null && (
        <RunningProgress progress={run.progress} />
      )}
      <RunOutcome run={run} />
      {run.error !== null && (
        <ErrorNotice error={{ kind: 'failure', message: run.error }} testId="run-error" />
      )}
      {run.result === 'cancelled' && (
        <p className="muted" data-testid="run-cancelled">
          Cancelled. Earlier snapshots are untouched.
        </p>
      )}
      {run.result === 'interrupted' && (
        <p className="muted" data-testid="run-interrupted">
          Cairn stopped before this finished. Earlier snapshots are untouched.
        </p>
      )}
      {run.warnings.length > 0 && (
        <details className="warnings-box" data-testid="run-warnings">
          <summary>{plural(run.warnings.length, 'warning')}</summary>
          <ul className="warnings">
            {run.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      <RunLog id={run.id} />
    </section>
  );
}

function RunOutcome({ run }: { run: ActivityRun }) {
  const s = run.stats;
  if (s === null) {
    return run.summary === null ? null : (
      <p className="job-result" data-testid="run-summary">
        {sentence(run.summary)}
      </p>
    );
  }
  return (
    <p className="job-result" data-testid="run-summary">
      {run.snapshot !== null && (
        <>
          Snapshot <code data-testid="run-snapshot">{run.snapshot.slice(0, 8)}</code>:{' '}
        </>
      )}
      {plural(s.files_new, 'new file')}, {plural(s.files_changed, 'changed file')},{' '}
      {plural(s.files_unchanged, 'unchanged file')}; {formatBytes(s.bytes_processed)} in the
      snapshot, {formatBytes(s.bytes_added)} added to the repository.
    </p>
  );
}

/** The log is read from the host when it is opened (it may be long). */
function RunLog({ id }: { id: string }) {
  const log = useAppStore((s) => s.activityLogs[id]);
  const load = useAppStore((s) => s.loadActivityLog);
  return (
    <details
      className="log"
      data-testid="run-log"
      onToggle={(e) => {
        if ((e.target as HTMLDetailsElement).open) void load(id);
      }}
    >
      <summary>Log</summary>
      {log?.state === 'loading' && <p className="muted">Loading…</p>}
      {log?.state === 'failed' && <ErrorNotice error={log.error} testId="run-log-error" />}
      {log?.state === 'loaded' && (
        <>
          {log.log.truncated && <p className="muted small">The log’s last part:</p>}
          <pre data-testid="run-log-text">{log.log.text || 'Nothing was logged.'}</pre>
        </>
      )}
    </details>
  );
}

function triggerWords(trigger: ActivityRun['trigger']): string {
  return {
    app: 'started',
    schedule: 'scheduled run',
    'catch-up': 'catch-up run',
    retry: 'retry',
    manual: 'run by hand',
    watch: 'after changes',
  }[trigger];
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
