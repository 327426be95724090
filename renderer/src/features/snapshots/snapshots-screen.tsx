import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorNotice } from '../../components/error-notice';
import { formatBytes, formatDateTime, formatDuration, plural } from '../../components/format';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';
import { CopyDialog } from './copy-dialog';
import { SizeChart } from './size-chart';

/** Every snapshot with its statistics; a click opens it in the browser. */
export function SnapshotsScreen() {
  const snapshots = useAppStore((s) => s.snapshots);
  const loading = useAppStore((s) => s.snapshotsLoading);
  const error = useAppStore((s) => s.snapshotsError);
  const damage = useAppStore((s) => s.repositoryWarnings);
  const load = useAppStore((s) => s.loadSnapshots);
  const open = useAppStore((s) => s.openSnapshot);
  const startCheck = useAppStore((s) => s.startCheck);
  const go = useAppStore((s) => s.go);
  const checkIds = useAppStore(
    useShallow((s) => s.jobOrder.filter((id) => s.jobs[id]?.kind === 'check')),
  );
  const checking = useAppStore((s) => checkIds.some((id) => s.jobs[id]?.status === 'running'));
  const latestCheck = checkIds[0];
  const latestCopy = useAppStore((s) => s.jobOrder.find((id) => s.jobs[id]?.kind === 'copy'));
  const startRepair = useAppStore((s) => s.startRepair);
  const latestRepair = useAppStore((s) => s.jobOrder.find((id) => s.jobs[id]?.kind === 'repair'));
  const repair = useAppStore((s) =>
    latestRepair === undefined ? undefined : s.jobs[latestRepair],
  );
  const repairing = repair?.status === 'running';
  const previewed =
    repair?.status === 'succeeded' && repair.result?.kind === 'repair'
      ? repair.result.summary.dryRun
      : false;
  // A damaged pack needs every pack read to salvage its sound blobs.
  const readData = damage.some((w) => w.kind === 'pack');
  // Snapshots ticked for a copy; none ticked copies them all.
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [copying, setCopying] = useState<string[] | null>(null);
  const toCopy = (snapshots ?? []).filter((s) => chosen.size === 0 || chosen.has(s.id));
  const toggle = (id: string) =>
    setChosen((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="screen" data-testid="snapshots-screen">
      <header className="screen-header">
        <div>
          <h1>Snapshots</h1>
          <p className="muted">
            Every snapshot is a full restore point; only new data takes space.
          </p>
        </div>
        <div className="button-row tight">
          <button
            type="button"
            className="button"
            onClick={() => go('compare')}
            disabled={(snapshots?.length ?? 0) < 2}
            data-testid="compare-open"
          >
            Compare…
          </button>
          <button
            type="button"
            className="button"
            onClick={() => setCopying(toCopy.map((s) => s.id))}
            disabled={toCopy.length === 0}
            title="Copies the ticked snapshots (or all) into another repository"
            data-testid="copy-open"
          >
            {chosen.size === 0 ? 'Copy all' : `Copy ${chosen.size}`} to another repository…
          </button>
          <button
            type="button"
            className="button"
            onClick={() => void startCheck()}
            disabled={checking}
            title="Verifies that every snapshot's data is present in the repository"
            data-testid="check-start"
          >
            {checking ? 'Checking…' : 'Check repository'}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => void load()}
            disabled={loading}
            data-testid="snapshots-refresh"
          >
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </header>
      {error && <ErrorNotice error={error} testId="snapshots-error" />}
      {damage.length > 0 && (
        <div className="card warning-text" role="alert" data-testid="repository-warnings">
          <p>
            The repository has {plural(damage.length, 'damaged file')}. Cairn works around{' '}
            {damage.length === 1 ? 'it' : 'them'}; a repair rebuilds the index from the packs and
            removes what is lost from the snapshots that need it, so every snapshot restores again.
            Preview it first: it says what each snapshot would lose.
          </p>
          <ul className="warnings">
            {damage.map((w) => (
              <li key={`${w.kind}/${w.id}`}>{w.message}</li>
            ))}
          </ul>
          <div className="button-row">
            <button
              type="button"
              className="button"
              disabled={repairing}
              onClick={() => void startRepair({ dryRun: true, readData })}
              data-testid="repair-preview"
            >
              Preview repair
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={repairing || !previewed}
              title={previewed ? undefined : 'Preview the repair first'}
              onClick={() => void startRepair({ dryRun: false, readData })}
              data-testid="repair-start"
            >
              Repair
            </button>
          </div>
        </div>
      )}
      {latestRepair !== undefined && <JobCard jobId={latestRepair} />}
      {latestCheck !== undefined && <JobCard jobId={latestCheck} />}
      {latestCopy !== undefined && <JobCard jobId={latestCopy} />}
      <CopyDialog snapshots={copying} onClose={() => setCopying(null)} />
      {snapshots !== null && snapshots.length > 0 && <SizeChart snapshots={snapshots} />}
      {snapshots !== null && snapshots.length === 0 && (
        <div className="empty" data-testid="snapshots-empty">
          No snapshots yet. Add a folder under Sources and choose “Back up now”.
        </div>
      )}
      {snapshots !== null && snapshots.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="snapshots-table">
            <thead>
              <tr>
                <th aria-label="Choose for a copy" />
                <th>Time</th>
                <th>Snapshot</th>
                <th>Sources</th>
                <th className="num">Files</th>
                <th className="num">Size</th>
                <th className="num">Added</th>
                <th className="num">Took</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {snapshots.map((snap) => {
                const s = snap.stats;
                const files = s.files_new + s.files_changed + s.files_unchanged;
                return (
                  <tr
                    key={snap.id}
                    className="clickable"
                    onClick={() => open(snap.id)}
                    data-testid="snapshot-row"
                    data-snapshot-id={snap.id}
                  >
                    <td onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        checked={chosen.has(snap.id)}
                        onChange={() => toggle(snap.id)}
                        aria-label={`Choose snapshot ${snap.short_id} to copy`}
                        data-testid="snapshot-choose"
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        onClick={(e) => {
                          e.stopPropagation();
                          open(snap.id);
                        }}
                        data-testid="snapshot-open"
                      >
                        {formatDateTime(snap.time)}
                      </button>
                    </td>
                    <td>
                      <code>{snap.short_id}</code>
                    </td>
                    <td className="sources-cell" title={snap.paths.join('\n')}>
                      {snap.sources.map((src) => src.name).join(', ') || snap.paths.join(', ')}
                    </td>
                    <td
                      className="num"
                      title={`${s.files_new} new, ${s.files_changed} changed, ${s.files_unchanged} unchanged`}
                    >
                      {files.toLocaleString()}
                    </td>
                    <td className="num">{formatBytes(s.bytes_processed)}</td>
                    <td className="num">{formatBytes(s.bytes_added)}</td>
                    <td className="num">{formatDuration(s.duration_ms / 1000)}</td>
                    <td>
                      {snap.incomplete ? (
                        <span
                          className="badge badge-failed"
                          title={snap.incomplete_reasons.join('\n')}
                          data-testid="snapshot-incomplete"
                        >
                          Incomplete
                        </span>
                      ) : (
                        <span className="badge badge-succeeded">Complete</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="table-footer muted small">{plural(snapshots.length, 'snapshot')}</p>
        </div>
      )}
    </div>
  );
}
