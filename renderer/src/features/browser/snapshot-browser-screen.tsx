import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { formatDateTime } from '../../components/format';
import { Icon } from '../../components/icons';
import { useAppStore } from '../../store/store-context';
import { ExportPanel } from '../export/export-panel';
import { RestorePanel } from '../restore/restore-panel';
import { ApiRestorePanel, apiEndpointOf } from '../restore-api/api-restore-panel';
import { PreviewPane } from './preview-pane';
import { SearchResults } from './search-results';
import { TreeView } from './tree-view';

const searchDelayMs = 250;

/** One snapshot: its tree, a preview of the selected file, search by name, restore and export. */
export function SnapshotBrowserScreen() {
  const snapshotId = useAppStore((s) => s.browsedSnapshot);
  const snapshot = useAppStore((s) => s.snapshots?.find((snap) => snap.id === s.browsedSnapshot));
  const treeError = useAppStore((s) => s.treeError);
  const search = useAppStore((s) => s.search);
  const go = useAppStore((s) => s.go);
  const [query, setQuery] = useState('');
  const [restoring, setRestoring] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [restoringRecords, setRestoringRecords] = useState<{
    source: string;
    endpoint: string;
  } | null>(null);
  const selectedPath = useAppStore((s) => s.selected?.path ?? null);
  const selectedEndpoint = selectedPath === null ? null : apiEndpointOf(selectedPath);

  useEffect(() => {
    const timer = setTimeout(() => void search(query), searchDelayMs);
    return () => clearTimeout(timer);
  }, [query, search]);

  if (snapshotId === null) {
    return (
      <div className="screen">
        <div className="empty">Choose a snapshot under Snapshots to browse it.</div>
      </div>
    );
  }
  return (
    <div className="screen screen-full" data-testid="browser-screen" data-snapshot-id={snapshotId}>
      <header className="screen-header">
        <div>
          <button
            type="button"
            className="link-button back"
            onClick={() => go('snapshots')}
            data-testid="browser-back"
          >
            ← Snapshots
          </button>
          <h1>
            Snapshot <code>{snapshot?.short_id ?? snapshotId.slice(0, 8)}</code>
          </h1>
          {snapshot && (
            <p className="muted">
              {formatDateTime(snapshot.time)} · {snapshot.hostname}
              {snapshot.incomplete && (
                <span className="badge badge-failed" title={snapshot.incomplete_reasons.join('\n')}>
                  Incomplete
                </span>
              )}
            </p>
          )}
        </div>
        <div className="button-row tight">
          {selectedEndpoint && (
            <button
              type="button"
              className="button"
              onClick={() => setRestoringRecords(selectedEndpoint)}
              data-testid="api-restore-open"
            >
              Restore records into the API…
            </button>
          )}
          <button
            type="button"
            className="button"
            onClick={() => setExporting(true)}
            data-testid="export-open"
          >
            Export…
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => setRestoring(true)}
            data-testid="restore-open"
          >
            <Icon name="restore" /> Restore…
          </button>
        </div>
      </header>
      {snapshot?.incomplete && (
        <div className="notice notice-warning" data-testid="snapshot-incomplete-reasons">
          <div className="notice-text">
            <strong>This snapshot is incomplete</strong>
            <span>Everything else in it restores normally. What is missing:</span>
            <ul className="warnings">
              {snapshot.incomplete_reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {treeError && <ErrorNotice error={treeError} testId="tree-error" />}
      {restoring && <RestorePanel snapshotId={snapshotId} onClose={() => setRestoring(false)} />}
      {restoringRecords && (
        <ApiRestorePanel
          key={`${restoringRecords.source}/${restoringRecords.endpoint}`}
          snapshotId={snapshotId}
          {...restoringRecords}
          onClose={() => setRestoringRecords(null)}
        />
      )}
      {exporting && <ExportPanel snapshotId={snapshotId} onClose={() => setExporting(false)} />}
      <div className="browser">
        <aside className="card browser-tree">
          <div className="search-box">
            <Icon name="search" className="muted" />
            <input
              className="input input-bare"
              type="search"
              placeholder="Search by name"
              aria-label="Search by name"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              data-testid="browser-search"
            />
          </div>
          {query.trim() === '' ? <TreeView /> : <SearchResults />}
        </aside>
        <section className="card browser-preview">
          <PreviewPane />
        </section>
      </div>
    </div>
  );
}
