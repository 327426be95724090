import type { JobResult, RepairSummary } from '../../../../shared/contract';
import type { JobProgress, SnapshotStats } from '../../../../shared/domain';
import { jobOutcome } from '../../../../shared/job-outcome';
import { ErrorNotice } from '../../components/error-notice';
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatRate,
  plural,
} from '../../components/format';
import { ProgressBar } from '../../components/progress-bar';
import { useAppStore } from '../../store/store-context';
import { ApiRestoreReportView } from './api-restore-report';
import { jobTitles as titles } from './job-titles';

const phases: Record<JobProgress['phase'], string> = {
  scanning: 'Looking for changes',
  backup: 'Backing up',
  restore: 'Restoring',
  check: 'Checking',
  prune: 'Pruning',
  diff: 'Comparing',
  export: 'Exporting',
  copy: 'Copying',
  finishing: 'Finishing',
};

/** One job as it runs and after: progress with rate and ETA, cancel, then the outcome. */
export function JobCard({ jobId, withLog = false }: { jobId: string; withLog?: boolean }) {
  const job = useAppStore((s) => s.jobs[jobId]);
  const cancel = useAppStore((s) => s.cancelJob);
  if (job === undefined) return null;
  const { progress } = job;

  return (
    <section
      className="card job-card"
      data-testid="job-card"
      data-status={job.status}
      data-outcome={job.incomplete ? 'incomplete' : undefined}
      data-kind={job.kind}
    >
      <header className="job-header">
        <h3>
          {titles[job.kind]}
          {job.plan !== null && <span data-testid="job-plan"> · plan {job.plan}</span>}
          {withLog && (
            <span className="muted small job-started">
              {' '}
              · started {formatDateTime(job.startedAt)}
            </span>
          )}
          <span
            className={`badge badge-${job.incomplete ? 'incomplete' : job.status}`}
            data-testid="job-status"
          >
            {job.incomplete
              ? 'Completed with warnings'
              : statusWords(job.status, job.cancelRequested)}
          </span>
        </h3>
        {job.status === 'running' && (
          <button
            type="button"
            className="button"
            onClick={() => void cancel(jobId)}
            disabled={job.cancelRequested}
            data-testid="job-cancel"
          >
            Cancel
          </button>
        )}
      </header>
      {job.status === 'running' && <RunningProgress progress={progress} />}
      {job.status === 'succeeded' && job.result && <ResultSummary result={job.result} />}
      {job.status === 'failed' && job.error && <ErrorNotice error={job.error} testId="job-error" />}
      {job.status === 'cancelled' && (
        <p className="muted" data-testid="job-cancelled">
          Cancelled. Earlier snapshots are untouched.
        </p>
      )}
      {withLog && job.logs.length > 0 && (
        <details className="log" data-testid="job-log">
          <summary>Log ({job.logs.length})</summary>
          <pre>
            {job.logs.map((l) => `${l.level === 'warning' ? '⚠ ' : ''}${l.message}`).join('\n')}
          </pre>
        </details>
      )}
    </section>
  );
}

function statusWords(status: string, cancelling: boolean): string {
  if (status === 'running') return cancelling ? 'Cancelling…' : 'Running';
  return { succeeded: 'Done', failed: 'Failed', cancelled: 'Cancelled' }[status] ?? status;
}

export function RunningProgress({ progress }: { progress: JobProgress | null }) {
  if (progress === null) {
    return (
      <div className="job-progress">
        <ProgressBar fraction={null} label="Starting" />
        <p className="muted">Starting…</p>
      </div>
    );
  }
  const fraction =
    progress.bytes_total !== null && progress.bytes_total > 0
      ? progress.bytes_done / progress.bytes_total
      : null;
  const files =
    progress.files_total !== null
      ? `${progress.files_done.toLocaleString()} of ${plural(progress.files_total, 'file')}`
      : plural(progress.files_done, 'file');
  const bytes =
    progress.bytes_total !== null
      ? `${formatBytes(progress.bytes_done)} of ${formatBytes(progress.bytes_total)}`
      : formatBytes(progress.bytes_done);
  return (
    <div className="job-progress">
      <ProgressBar fraction={fraction} label={phases[progress.phase]} />
      <div className="job-stats">
        <span data-testid="job-phase">{phases[progress.phase]}</span>
        <span data-testid="job-progress-text">
          {files} · {bytes}
        </span>
        <span data-testid="job-rate">{formatRate(progress.rate)}</span>
        <span data-testid="job-eta">
          {progress.eta_s === null ? 'Estimating time…' : `${formatDuration(progress.eta_s)} left`}
        </span>
      </div>
      {progress.current && (
        <p className="job-current mono" title={progress.current}>
          {progress.current}
        </p>
      )}
    </div>
  );
}

function ResultSummary({ result }: { result: JobResult }) {
  const { problems } = jobOutcome(result);
  const counts = problems.length > 0 && (
    <p className="warning-text" data-testid="job-problems">
      {problems.join(', ')}.
    </p>
  );
  if (result.kind === 'backup') {
    const { warnings } = result;
    return (
      <div className="job-result" data-testid="job-result">
        {counts}
        {result.snapshots.map(({ source, kind, snapshot }) => {
          const s = snapshot.stats;
          return (
            <div key={snapshot.id} data-testid="job-snapshot" data-source={source}>
              <p>
                {kind === 'api' ? `API source ${source}: snapshot ` : 'Snapshot '}
                <code data-testid="job-snapshot-id">{snapshot.short_id}</code> saved:{' '}
                {kind === 'api'
                  ? `${plural(s.files_new + s.files_changed + s.files_unchanged, 'file')}`
                  : `${plural(s.files_new, 'new file')}, ${plural(s.files_changed, 'changed file')}, ${plural(s.files_unchanged, 'unchanged file')}`}
                ; {sizeWords(s)}, {formatBytes(s.bytes_added)} added to the repository in{' '}
                {formatDuration(s.duration_ms / 1000)}.
              </p>
              {snapshot.incomplete && (
                <p className="warning-text" data-testid="job-snapshot-incomplete">
                  This snapshot is incomplete: {snapshot.incomplete_reasons.join('; ')}
                </p>
              )}
            </div>
          );
        })}
        {result.failedSources.map(({ source, message }) => (
          <p key={source} className="warning-text" data-testid="job-source-failed">
            API source {source} was not backed up: {message}
          </p>
        ))}
        {warnings.length > 0 && <Warnings warnings={warnings} />}
      </div>
    );
  }
  if (result.kind === 'restore') {
    const r = result.summary;
    return (
      <div className="job-result" data-testid="job-result">
        {counts}
        <p>
          {plural(r.files_restored, 'file')} restored ({formatBytes(r.bytes_restored)})
          {r.files_skipped > 0 && `, ${plural(r.files_skipped, 'existing file')} left as they were`}
          {r.files_renamed > 0 &&
            `, ${plural(r.files_renamed, 'file')} restored beside existing ones`}
          .
        </p>
        {r.damaged.length > 0 && (
          <div className="warning-text" data-testid="job-damaged">
            <p>
              {plural(r.damaged.length, 'file or folder', 'files or folders')} could not be
              restored: the data they need in the repository is damaged. A check that reads all data
              says more.
            </p>
            <ul className="warnings">
              {r.damaged.slice(0, 200).map((d) => (
                <li key={d.path}>
                  <code>{d.path}</code> <span className="muted small">{d.message}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {r.warnings.length > 0 && <Warnings warnings={r.warnings} />}
      </div>
    );
  }
  if (result.kind === 'export') {
    const r = result.summary;
    return (
      <div className="job-result" data-testid="job-result">
        <p>
          {plural(r.files, 'file')} ({formatBytes(r.bytes)}) exported into an archive of{' '}
          {formatBytes(r.archive_bytes)}
          {r.output !== null && (
            <>
              : <code data-testid="job-export-output">{r.output}</code>
            </>
          )}
          .
        </p>
        {r.warnings.length > 0 && <Warnings warnings={r.warnings} />}
      </div>
    );
  }
  if (result.kind === 'restore-api') return <ApiRestoreReportView report={result.report} />;
  if (result.kind === 'copy') {
    const c = result.summary;
    return (
      <div className="job-result" data-testid="job-result">
        {c.copied.length === 0 ? (
          <p>
            Nothing to copy:{' '}
            {c.skipped.length === 1 ? 'the snapshot is' : `all ${c.skipped.length} snapshots are`}{' '}
            already there.
          </p>
        ) : (
          <p>
            {plural(c.copied.length, 'snapshot')} copied to{' '}
            <code data-testid="job-copy-destination">{c.destination}</code>
            {c.created && ' (a new repository)'}, adding {formatBytes(c.bytes_added)}
            {c.skipped.length > 0 && `; ${c.skipped.length} already there`}.
          </p>
        )}
      </div>
    );
  }
  if (result.kind === 'repair') return <RepairResult summary={result.summary} />;
  const report = result.report;
  return (
    <div className="job-result" data-testid="job-result">
      <p>
        {report.ok ? 'No problems found' : `${plural(report.problems.length, 'problem')} found`} in{' '}
        {plural(report.snapshots, 'snapshot')} and {plural(report.packs, 'pack')}.
      </p>
      {report.problems.length > 0 && (
        <ul className="warnings">
          {report.problems.map((p) => (
            <li key={`${p.kind}-${p.id}`}>{p.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RepairResult({ summary }: { summary: RepairSummary }) {
  const { dryRun, snapshotsChanged, dataLost } = summary;
  return (
    <div className="job-result" data-testid="job-result" data-dry-run={dryRun}>
      <p data-testid="repair-verdict">
        {snapshotsChanged === 0
          ? 'No snapshot needs repair.'
          : `${plural(snapshotsChanged, 'snapshot')} ${dryRun ? 'would be' : snapshotsChanged === 1 ? 'was' : 'were'} repaired or removed: what is lost is left out, everything else stays restorable.`}
        {dryRun && ' Nothing was changed yet.'}
        {!dryRun && dataLost && ' Prune (cairn prune) frees the space of what was lost.'}
      </p>
      <ul className="warnings" data-testid="repair-lines">
        {[...summary.index, ...summary.snapshots].map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

/** What was read, against what the snapshot holds: unchanged files are reused, not read. */
function sizeWords(s: SnapshotStats): string {
  if (s.bytes_read === undefined || s.bytes_read === s.bytes_processed) {
    return `${formatBytes(s.bytes_processed)} read`;
  }
  return `${formatBytes(s.bytes_read)} read (${formatBytes(s.bytes_processed)} in the snapshot)`;
}

function Warnings({ warnings }: { warnings: { path: string; message: string }[] }) {
  return (
    <details className="warnings-box" data-testid="job-warnings">
      <summary>{plural(warnings.length, 'warning')}</summary>
      <ul className="warnings">
        {warnings.slice(0, 200).map((w, i) => (
          <li key={i}>
            {w.path !== '' && (
              <>
                <code>{w.path}</code>:{' '}
              </>
            )}
            {w.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
