import { ErrorNotice } from '../../components/error-notice';
import { RecordList } from '../../components/record-list';
import { formatBytes, formatDateTime, plural } from '../../components/format';
import { useAppStore } from '../../store/store-context';

/** What the selected entry holds: records of an API endpoint, text, or a hex dump. */
export function PreviewPane() {
  const selected = useAppStore((s) => s.selected);
  const preview = useAppStore((s) => s.preview);
  const loading = useAppStore((s) => s.previewLoading);
  const error = useAppStore((s) => s.previewError);

  if (selected === null) {
    return (
      <div className="empty preview-empty">
        Select a file to preview it, or a folder to restore it.
      </div>
    );
  }
  return (
    <div className="preview" data-testid="preview">
      <header className="preview-header">
        <h2 className="mono ellipsis" data-testid="preview-path" title={selected.path}>
          {selected.path}
        </h2>
        <p className="muted small">
          {selected.type === 'dir' ? 'Folder' : formatBytes(selected.size)} · modified{' '}
          {formatDateTime(selected.mtime)}
          {selected.link_target && ` · link to ${selected.link_target}`}
        </p>
      </header>
      {selected.type === 'dir' && (
        <p className="muted" data-testid="preview-folder">
          A folder. Choose “Restore…” to bring it back with everything in it.
        </p>
      )}
      {loading && <p className="muted">Loading preview…</p>}
      {error && <ErrorNotice error={error} testId="preview-error" />}
      {preview && preview.kind === 'records' && (
        <div data-testid="preview-records">
          <p className="muted small">
            {plural(preview.records?.length ?? 0, 'record')}
            {preview.truncated ? ' shown (first part of the endpoint)' : ''}; one per line, select
            one to read it in full
          </p>
          <RecordList records={preview.records ?? []} testId="preview-record" />
        </div>
      )}
      {preview && (preview.kind === 'text' || preview.kind === 'binary') && (
        <>
          {preview.kind === 'binary' && (
            <p className="muted small">Binary file: first bytes shown.</p>
          )}
          <pre className="preview-text" data-testid="preview-text">
            {preview.text}
          </pre>
          {preview.truncated && (
            <p className="muted small">
              Preview shows the beginning of the file. Restore it to see it all.
            </p>
          )}
        </>
      )}
      {preview && preview.kind === 'empty' && <p className="muted">This file is empty.</p>}
    </div>
  );
}
