import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icons';
import { PathField } from '../../components/path-field';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';
import { ApiSources } from './api-sources';

/** What to back up, and "Back up now" with the running backup's progress. */
export function SourcesScreen() {
  const folders = useAppStore((s) => s.folders);
  const apiSourceCount = useAppStore((s) => s.apiSources.length);
  const addFolder = useAppStore((s) => s.addFolder);
  const removeFolder = useAppStore((s) => s.removeFolder);
  const clearFolderError = useAppStore((s) => s.clearFolderError);
  const pickFolder = useAppStore((s) => s.pickFolder);
  const startBackup = useAppStore((s) => s.startBackup);
  const startError = useAppStore((s) => s.jobStartError);
  const folderError = useAppStore((s) => s.folderError);
  const sourcesError = useAppStore((s) => s.sourcesError);
  const backupIds = useAppStore(
    // The app's own backups; a plan's run shows on the Plans and Activity screens.
    useShallow((s) =>
      s.jobOrder.filter((id) => s.jobs[id]?.kind === 'backup' && s.jobs[id]?.plan === null),
    ),
  );
  const running = useAppStore((s) => backupIds.some((id) => s.jobs[id]?.status === 'running'));
  const [draft, setDraft] = useState('');
  const [adding, setAdding] = useState(false);
  const latest = backupIds[0];

  // The host checks the folder at once; what it refused stays in the field to be corrected.
  const addChecked = async (path: string) => {
    setAdding(true);
    if (await addFolder(path)) setDraft('');
    else setDraft(path);
    setAdding(false);
  };
  const add = (e?: FormEvent) => {
    e?.preventDefault();
    void addChecked(draft);
  };
  const browse = async () => {
    const picked = await pickFolder('source', draft || undefined);
    if (picked !== null) await addChecked(picked);
  };

  return (
    <div className="screen" data-testid="sources-screen">
      <header className="screen-header">
        <div>
          <h1>Sources</h1>
          <p className="muted">Folders and APIs that go into the next snapshot.</p>
        </div>
        <button
          type="button"
          className="button button-primary"
          disabled={(folders.length === 0 && apiSourceCount === 0) || running}
          onClick={() => void startBackup()}
          data-testid="backup-now"
        >
          {running ? 'Backing up…' : 'Back up now'}
        </button>
      </header>

      {startError && <ErrorNotice error={startError} testId="backup-start-error" />}
      {latest !== undefined && <JobCard jobId={latest} />}
      {sourcesError && <ErrorNotice error={sourcesError} testId="sources-error" />}

      <section className="card">
        <h2 className="card-title">
          <Icon name="folder" /> Folders
        </h2>
        {folders.length === 0 ? (
          <p className="empty-inline" data-testid="folders-empty">
            No folders yet. Add the folders you want to keep safe.
          </p>
        ) : (
          <ul className="list" data-testid="folder-list">
            {folders.map((path) => (
              <li key={path} className="list-row" data-testid="folder-item" data-path={path}>
                <Icon name="folder" className="muted" />
                <span className="mono grow">{path}</span>
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={() => void removeFolder(path)}
                  aria-label={`Remove ${path}`}
                  data-testid="folder-remove"
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <form className="add-row" onSubmit={add}>
          <PathField
            label="Add a folder"
            value={draft}
            onChange={(value) => {
              setDraft(value);
              clearFolderError();
            }}
            onBrowse={() => void browse()}
            placeholder="/home/me/Documents"
            testId="folder-path"
          />
          <button
            type="submit"
            className="button"
            disabled={draft.trim() === '' || adding}
            data-testid="folder-add"
          >
            Add
          </button>
        </form>
        {folderError && (
          <p className="field-error" role="alert" data-testid="folder-error">
            {folderError.message}
          </p>
        )}
      </section>

      <ApiSources />
    </div>
  );
}
