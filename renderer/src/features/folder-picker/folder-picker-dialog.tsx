import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icons';
import { useAppStore } from '../../store/store-context';

const titles = {
  repository: 'Choose the repository folder',
  source: 'Choose a folder to back up',
  'restore-target': 'Choose where to restore',
} as const;

/** Web mode's folder dialog: browses folders on the machine that runs `cairn serve`. */
export function FolderPickerDialog() {
  const picker = useAppStore((s) => s.folderPicker);
  const browseTo = useAppStore((s) => s.browseTo);
  const finish = useAppStore((s) => s.finishFolderPick);
  const dialog = useRef<HTMLDialogElement>(null);
  const listing = picker?.listing ?? null;

  useEffect(() => {
    if (picker !== null && dialog.current?.open === false) dialog.current.showModal();
    if (picker === null && dialog.current?.open) dialog.current.close();
  }, [picker]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      onCancel={(e) => {
        e.preventDefault();
        finish(null);
      }}
      data-testid="folder-picker"
    >
      {picker && (
        <div className="dialog-body">
          <h2>{titles[picker.purpose]}</h2>
          <p className="muted small">Folders on the computer running Cairn.</p>
          <PathInput
            key={listing?.path ?? ''}
            initial={listing?.path ?? ''}
            onGo={(p) => void browseTo(p)}
          />
          {picker.error && <ErrorNotice error={picker.error} testId="folder-picker-error" />}
          <ul className="folder-list" data-testid="folder-picker-list" aria-busy={picker.loading}>
            {listing?.parent && (
              <li>
                <button
                  type="button"
                  className="tree-row"
                  onClick={() => void browseTo(listing.parent ?? undefined)}
                  data-testid="folder-picker-up"
                >
                  <Icon name="folder" className="muted" /> ..
                </button>
              </li>
            )}
            {listing?.entries.map((entry) => (
              <li key={entry.path}>
                <button
                  type="button"
                  className="tree-row"
                  onClick={() => void browseTo(entry.path)}
                  data-testid="folder-picker-entry"
                  data-path={entry.path}
                >
                  <Icon name="folder" className="muted" /> {entry.name}
                </button>
              </li>
            ))}
            {listing && listing.entries.length === 0 && (
              <li className="muted small pad">No sub-folders.</li>
            )}
          </ul>
          <div className="button-row end">
            <button
              type="button"
              className="button"
              onClick={() => finish(null)}
              data-testid="folder-picker-cancel"
            >
              Cancel
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={!listing}
              onClick={() => finish(listing?.path ?? null)}
              data-testid="folder-picker-select"
            >
              Choose this folder
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

/** The typed path; keyed by the listed folder so it resets whenever the listing moves. */
function PathInput({ initial, onGo }: { initial: string; onGo: (path: string) => void }) {
  const [typed, setTyped] = useState(initial);
  const go = (e: FormEvent) => {
    e.preventDefault();
    onGo(typed.trim());
  };
  return (
    <form className="input-row" onSubmit={go}>
      <input
        className="input mono"
        value={typed}
        aria-label="Folder path"
        onChange={(e) => setTyped(e.target.value)}
        data-testid="folder-picker-path"
      />
      <button type="submit" className="button">
        Go
      </button>
    </form>
  );
}
