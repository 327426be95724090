import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { plural } from '../../components/format';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';
import type { ApiRestoreOrder } from './api-restore-slice';

type SelectionKind = 'all' | 'ids' | 'changed-since' | 'deleted-since';

/** `/api/<source>/<endpoint>.ndjson` → its source and endpoint; null for any other path. */
export function apiEndpointOf(path: string): { source: string; endpoint: string } | null {
  const match = /^\/api\/([^/]+)\/([^/]+)\.ndjson$/.exec(path);
  return match ? { source: match[1]!, endpoint: match[2]! } : null;
}

/**
 * Puts an endpoint's records back into an API: which records, into which API, then the dry
 * run's requests; only after that "Restore N records" sends anything. The definition is the
 * one on the Sources screen with the same name, or pasted here, or — left empty — the one the
 * snapshot keeps (what the backup ran with, so records come back even when the definition was
 * lost with the laptop); a secret typed for another account stays in memory for this panel only.
 */
export function ApiRestorePanel(props: {
  snapshotId: string;
  source: string;
  endpoint: string;
  onClose: () => void;
}) {
  const { snapshotId, source, endpoint } = props;
  const drafts = useAppStore((s) => s.apiSources);
  const snapshots = useAppStore((s) => s.snapshots ?? []);
  const shown = useAppStore((s) => s.preview);
  const records = shown?.kind === 'records' ? (shown.records ?? []) : [];
  const preview = useAppStore((s) => s.apiRestorePreview);
  const previewing = useAppStore((s) => s.apiRestorePreviewing);
  const error = useAppStore((s) => s.apiRestoreError);
  const previewRestore = useAppStore((s) => s.previewApiRestore);
  const clearPreview = useAppStore((s) => s.clearApiRestorePreview);
  const startApiRestore = useAppStore((s) => s.startApiRestore);
  const startError = useAppStore((s) => s.jobStartError);
  const saved = drafts.find((d) => d.validation?.name === source)?.text ?? '';
  const [text, setText] = useState(saved);
  const [kind, setKind] = useState<SelectionKind>('all');
  const [ids, setIds] = useState<string[]>([]);
  const [since, setSince] = useState('');
  const [elsewhere, setElsewhere] = useState(false);
  const [baseUrl, setBaseUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const running = useAppStore((s) =>
    jobId === null ? false : s.jobs[jobId]?.status === 'running',
  );
  useEffect(() => clearPreview, [clearPreview]);

  const recordIds = records.flatMap((r) => {
    const id = recordId(r);
    return typeof id === 'string' || typeof id === 'number' ? [String(id)] : [];
  });
  const others = snapshots.filter(
    (s) => s.id !== snapshotId && s.sources.some((x) => x.kind === 'api' && x.source === source),
  );
  const order = (): ApiRestoreOrder => ({
    snapshot: snapshotId,
    ...(text.trim() === '' ? {} : { text }),
    source,
    endpoint,
    selection:
      kind === 'all' ? { kind } : kind === 'ids' ? { kind, ids } : { kind, snapshot: since },
    ...(elsewhere
      ? { target: { baseUrl: baseUrl.trim(), ...(secret !== '' ? { secret } : {}) } }
      : {}),
  });
  const changed = () => {
    if (preview !== null) clearPreview();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await previewRestore(order());
  };
  const restore = async () => {
    if (preview === null) return;
    const id = await startApiRestore(preview.order);
    if (id !== null) setJobId(id);
  };

  return (
    <form
      className="card restore-panel"
      onSubmit={(e) => void submit(e)}
      onChange={changed}
      data-testid="api-restore-panel"
    >
      <h2 className="card-title">
        Restore records of {source}/{endpoint} into the API
      </h2>
      <fieldset className="field">
        <legend>Records</legend>
        {(
          [
            ['all', 'All records of this endpoint'],
            ['ids', 'Chosen records'],
            ['changed-since', 'Records new or changed since another snapshot'],
            ['deleted-since', 'Records deleted since another snapshot (as it had them)'],
          ] as const
        ).map(([value, words]) => (
          <label className="radio" key={value}>
            <input
              type="radio"
              name="api-restore-selection"
              checked={kind === value}
              onChange={() => setKind(value)}
              data-testid={`api-restore-selection-${value}`}
            />
            {words}
          </label>
        ))}
        {kind === 'ids' && (
          <div className="field" data-testid="api-restore-ids">
            {recordIds.length === 0 && <p className="hint">This endpoint shows no record ids.</p>}
            {recordIds.map((id) => (
              <label className="checkbox" key={id}>
                <input
                  type="checkbox"
                  checked={ids.includes(id)}
                  onChange={(e) =>
                    setIds(e.target.checked ? [...ids, id] : ids.filter((x) => x !== id))
                  }
                  data-testid="api-restore-id"
                  data-id={id}
                />
                <code>{id}</code>
              </label>
            ))}
          </div>
        )}
        {(kind === 'changed-since' || kind === 'deleted-since') && (
          <select
            className="input"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            aria-label="The other snapshot"
            data-testid="api-restore-since"
          >
            <option value="">Choose a snapshot…</option>
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {s.short_id} · {new Date(s.time).toLocaleString()}
              </option>
            ))}
          </select>
        )}
      </fieldset>
      <fieldset className="field">
        <legend>Into</legend>
        <label className="radio">
          <input
            type="radio"
            name="api-restore-target"
            checked={!elsewhere}
            onChange={() => setElsewhere(false)}
            data-testid="api-restore-target-same"
          />
          The API the definition names
        </label>
        <label className="radio">
          <input
            type="radio"
            name="api-restore-target"
            checked={elsewhere}
            onChange={() => setElsewhere(true)}
            data-testid="api-restore-target-other"
          />
          Another server or account
        </label>
        {elsewhere && (
          <>
            <input
              className="input"
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
              placeholder="https://api.example.com"
              aria-label="Base URL"
              data-testid="api-restore-base-url"
            />
            <input
              className="input"
              type="password"
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              placeholder="env:NEW_TOKEN, keychain:ENTRY, or the token itself"
              aria-label="Credential"
              data-testid="api-restore-secret"
            />
            <p className="hint">
              Replaces the definition&apos;s token, password or key for this restore only; it is not
              saved.
            </p>
          </>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor="api-restore-definition">Definition (with its restore section)</label>
        <textarea
          id="api-restore-definition"
          className="input mono"
          rows={6}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={`Empty: the definition of ${source} kept in this snapshot is used. Or paste one.`}
          data-testid="api-restore-definition"
        />
        {text.trim() === '' && (
          <p className="hint" data-testid="api-restore-kept-definition">
            The definition this snapshot was backed up with is used. A secret written in it was not
            kept: name another credential under &ldquo;Another server or account&rdquo;.
          </p>
        )}
      </div>
      {error && <ErrorNotice error={error} testId="api-restore-error" />}
      {startError && jobId === null && (
        <ErrorNotice error={startError} testId="api-restore-start-error" />
      )}
      {preview !== null && jobId === null && (
        <div data-testid="api-restore-preview">
          <p>
            Dry run: {plural(preview.preview.total, 'request')} to{' '}
            <code>{preview.preview.baseUrl}</code>; nothing was sent.
            {preview.preview.total > preview.preview.requests.length &&
              ` The first ${preview.preview.requests.length} are shown.`}
          </p>
          <ol className="record-list">
            {preview.preview.requests.map((r, i) => (
              <li key={i} className="record mono" data-testid="api-restore-request">
                {r.method} {r.url} <span className="muted">{r.body}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      {jobId !== null && <JobCard jobId={jobId} />}
      <div className="button-row end">
        <button
          type="button"
          className="button"
          onClick={props.onClose}
          data-testid="api-restore-close"
        >
          Close
        </button>
        <button
          type="submit"
          className="button"
          disabled={previewing || running}
          data-testid="api-restore-preview-start"
        >
          {previewing ? 'Preparing…' : 'Preview requests'}
        </button>
        {preview !== null && jobId === null && (
          <button
            type="button"
            className="button button-primary"
            disabled={preview.preview.total === 0}
            onClick={() => void restore()}
            data-testid="api-restore-start"
          >
            Restore {plural(preview.preview.total, 'record')}
          </button>
        )}
      </div>
    </form>
  );
}

/** A record's top-level `id`, if it has one (the ids the person can tick). */
function recordId(record: string): unknown {
  try {
    return (JSON.parse(record) as { id?: unknown }).id;
  } catch {
    return undefined;
  }
}
