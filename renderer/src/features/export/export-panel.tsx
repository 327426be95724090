import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { ScopeField, type Scope } from '../../components/scope-field';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';

type Format = 'zip' | 'tar.gz';

/**
 * Export the whole snapshot or the selected folder as a zip or tar.gz archive: saved where the
 * person chooses (desktop), or downloaded by the browser (web mode), with progress and cancel.
 */
export function ExportPanel({ snapshotId, onClose }: { snapshotId: string; onClose: () => void }) {
  const selected = useAppStore((s) => s.selected);
  const startExport = useAppStore((s) => s.startExport);
  const startError = useAppStore((s) => s.jobStartError);
  const web = useAppStore((s) => s.appInfo?.mode === 'web');
  const [scope, setScope] = useState<Scope>(selected ? 'selected' : 'all');
  const [format, setFormat] = useState<Format>('zip');
  const [jobId, setJobId] = useState<string | null>(null);
  const running = useAppStore((s) =>
    jobId === null ? false : s.jobs[jobId]?.status === 'running',
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const path = scope === 'selected' && selected ? selected.path : undefined;
    const started = await startExport({
      snapshot: snapshotId,
      format,
      ...(path !== undefined ? { path } : {}),
    });
    if (started === null) return;
    setJobId(started.jobId);
    if (started.download !== null) {
      // The browser saves it; a failed or cancelled export ends the download as failed.
      const link = document.createElement('a');
      link.href = started.download;
      link.download = '';
      document.body.append(link);
      link.click();
      link.remove();
    }
  };

  return (
    <form
      className="card restore-panel"
      onSubmit={(e) => void submit(e)}
      data-testid="export-panel"
    >
      <h2 className="card-title">Export to an archive</h2>
      <ScopeField
        scope={scope}
        onChange={setScope}
        selectedPath={selected?.path}
        name="export-scope"
        testIdPrefix="export-scope"
      />
      <fieldset className="field">
        <legend>Format</legend>
        {(['zip', 'tar.gz'] as const).map((f) => (
          <label className="radio" key={f}>
            <input
              type="radio"
              name="export-format"
              checked={format === f}
              onChange={() => setFormat(f)}
              data-testid={`export-format-${f}`}
            />
            {f === 'zip' ? 'Zip (.zip)' : 'Gzipped tar (.tar.gz)'}
          </label>
        ))}
        <p className="hint">
          {web
            ? 'Your browser downloads the archive as it is written.'
            : 'You choose where to save the archive next.'}
        </p>
      </fieldset>
      {startError && jobId === null && (
        <ErrorNotice error={startError} testId="export-start-error" />
      )}
      {jobId !== null && <JobCard jobId={jobId} />}
      <div className="button-row end">
        <button type="button" className="button" onClick={onClose} data-testid="export-close">
          Close
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={running}
          data-testid="export-start"
        >
          {running ? 'Exporting…' : web ? 'Download' : 'Export…'}
        </button>
      </div>
    </form>
  );
}
