import { useState } from 'react';
import type {
  ComparedEndpoint,
  ComparedEntry,
  ComparisonSummary,
} from '../../../../shared/comparison';
import { ErrorNotice } from '../../components/error-notice';
import { formatBytes, formatDateTime, plural } from '../../components/format';
import { useAppStore } from '../../store/store-context';

const changeWords: Record<ComparedEntry['change'], string> = {
  added: 'Added',
  removed: 'Removed',
  modified: 'Changed',
  type: 'Type changed',
  metadata: 'Permissions or time changed',
};

/** Two snapshots side by side: the files and API records that differ, with counts. */
export function CompareScreen() {
  const snapshots = useAppStore((s) => s.snapshots);
  const pair = useAppStore((s) => s.comparePair);
  const comparison = useAppStore((s) => s.comparison);
  const comparing = useAppStore((s) => s.comparing);
  const error = useAppStore((s) => s.compareError);
  const compare = useAppStore((s) => s.compareSnapshots);
  // Newest first: by default the second newest against the newest.
  const [a, setA] = useState(pair?.a ?? snapshots?.[1]?.id ?? '');
  const [b, setB] = useState(pair?.b ?? snapshots?.[0]?.id ?? '');

  const options = (snapshots ?? []).map((snap) => (
    <option key={snap.id} value={snap.id}>
      {snap.short_id} · {formatDateTime(snap.time)} ·{' '}
      {snap.sources.map((src) => src.name).join(', ') || snap.paths.join(', ')}
    </option>
  ));

  return (
    <div className="screen" data-testid="compare-screen">
      <header className="screen-header">
        <div>
          <h1>Compare snapshots</h1>
          <p className="muted">What was added, removed or changed between two snapshots.</p>
        </div>
      </header>
      <form
        className="card compare-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (a !== '' && b !== '') void compare(a, b);
        }}
      >
        <div className="field">
          <label htmlFor="compare-a">Older snapshot</label>
          <select
            id="compare-a"
            className="input"
            value={a}
            onChange={(e) => setA(e.target.value)}
            data-testid="compare-a"
          >
            <option value="">Choose…</option>
            {options}
          </select>
        </div>
        <div className="field">
          <label htmlFor="compare-b">Newer snapshot</label>
          <select
            id="compare-b"
            className="input"
            value={b}
            onChange={(e) => setB(e.target.value)}
            data-testid="compare-b"
          >
            <option value="">Choose…</option>
            {options}
          </select>
        </div>
        <div className="button-row end">
          <button
            type="submit"
            className="button button-primary"
            disabled={a === '' || b === '' || comparing}
            data-testid="compare-start"
          >
            {comparing ? 'Comparing…' : 'Compare'}
          </button>
        </div>
      </form>
      {error && <ErrorNotice error={error} testId="compare-error" />}
      {comparison && (
        <>
          <Summary summary={comparison.summary} />
          <Entries entries={comparison.entries} truncated={comparison.entries_truncated} />
          {comparison.endpoints.map((endpoint) => (
            <EndpointChanges key={endpoint.path} endpoint={endpoint} />
          ))}
        </>
      )}
    </div>
  );
}

function Summary({ summary: s }: { summary: ComparisonSummary }) {
  const parts = [
    `${plural(s.files_added, 'file')} added`,
    `${plural(s.files_removed, 'file')} removed`,
    `${plural(s.files_modified, 'file')} changed`,
  ];
  if (s.dirs_added + s.dirs_removed > 0)
    parts.push(`${plural(s.dirs_added, 'folder')} added, ${s.dirs_removed} removed`);
  if (s.type_changed > 0) parts.push(`${plural(s.type_changed, 'entry', 'entries')} changed type`);
  if (s.metadata_changed > 0)
    parts.push(`${plural(s.metadata_changed, 'entry', 'entries')} with new permissions or time`);
  const records = s.records_added + s.records_removed + s.records_changed;
  return (
    <section className="card" data-testid="compare-summary">
      <p>{parts.join(', ')}.</p>
      <p className="muted small">
        {formatBytes(s.bytes_added)} added, {formatBytes(s.bytes_removed)} removed
      </p>
      {records > 0 && (
        <p data-testid="compare-records-summary">
          API records: {s.records_added} added, {s.records_removed} removed, {s.records_changed}{' '}
          changed.
        </p>
      )}
    </section>
  );
}

function Entries({ entries, truncated }: { entries: ComparedEntry[]; truncated: boolean }) {
  if (entries.length === 0) {
    return <div className="empty">No files or folders differ.</div>;
  }
  return (
    <div className="card table-card">
      <table className="table" data-testid="compare-entries">
        <thead>
          <tr>
            <th>Change</th>
            <th>Path</th>
            <th className="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr
              key={entry.path}
              data-testid="compare-entry"
              data-change={entry.change}
              data-path={entry.path}
            >
              <td>
                <span className={`badge change-${entry.change}`}>{changeWords[entry.change]}</span>
              </td>
              <td className="mono">{entry.path}</td>
              <td className="num">{sizeText(entry)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {truncated && (
        <p className="table-footer muted small">
          More entries differ than are shown here; the counts above include them all.
        </p>
      )}
    </div>
  );
}

function sizeText({ before, after, change }: ComparedEntry): string {
  if (change === 'modified' && before && after && before.size !== after.size) {
    return `${formatBytes(before.size)} → ${formatBytes(after.size)}`;
  }
  const state = after ?? before;
  return state && state.type === 'file' ? formatBytes(state.size) : '';
}

function EndpointChanges({ endpoint }: { endpoint: ComparedEndpoint }) {
  const focus = useAppStore((s) => s.recordFocus);
  const compareRecord = useAppStore((s) => s.compareRecord);
  const rows = [
    ...endpoint.added.map((r) => ({ ...r, change: 'added' as const })),
    ...endpoint.removed.map((r) => ({ ...r, change: 'removed' as const })),
    ...endpoint.changed.map((r) => ({ ...r, change: 'changed' as const })),
  ];
  const prefix = `${endpoint.source}/${endpoint.endpoint}/`;
  return (
    <section
      className="card"
      data-testid="compare-endpoint"
      data-endpoint={`${endpoint.source}/${endpoint.endpoint}`}
    >
      <h2 className="card-title">
        API records of {endpoint.source} / {endpoint.endpoint}
      </h2>
      {endpoint.error !== undefined && <p className="warning-text">{endpoint.error}</p>}
      <ul className="record-changes">
        {rows.map((r) => (
          <li
            key={`${r.change}-${r.parent ?? ''}-${r.id}`}
            data-testid="compare-record"
            data-change={r.change}
            data-id={r.id}
          >
            <span className={`badge change-${r.change}`}>
              {changeWords[r.change === 'changed' ? 'modified' : r.change]}
            </span>{' '}
            <button
              type="button"
              className="link-button mono"
              onClick={() => void compareRecord(endpoint.source, endpoint.endpoint, r.id)}
              data-testid="compare-record-open"
            >
              id {r.id}
              {r.parent !== undefined && ` (in ${r.parent})`}
            </button>
          </li>
        ))}
      </ul>
      {focus !== null && focus.key.startsWith(prefix) && <RecordFields />}
    </section>
  );
}

function RecordFields() {
  const focus = useAppStore((s) => s.recordFocus);
  if (focus === null) return null;
  if (focus.error) return <ErrorNotice error={focus.error} testId="compare-record-error" />;
  if (focus.records === null) return <p className="muted">Comparing the record…</p>;
  return (
    <div data-testid="compare-record-fields">
      {focus.records.map((record) => (
        <div key={`${record.parent ?? ''}-${record.id}`}>
          <p>
            Record <code>{record.id}</code>: {record.status}
          </p>
          {record.fields.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Before</th>
                  <th>After</th>
                </tr>
              </thead>
              <tbody>
                {record.fields.map((field) => (
                  <tr key={field.path} data-testid="compare-field" data-field={field.path}>
                    <td className="mono">{field.path}</td>
                    <td className="mono" data-testid="compare-field-before">
                      {field.before ?? '—'}
                    </td>
                    <td className="mono" data-testid="compare-field-after">
                      {field.after ?? '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </div>
  );
}
