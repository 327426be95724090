/**
 * "Copy to another repository": where to (the connect screen's target fields), its password,
 * and whether it exists or is made now. The destination's credentials go with this one request
 * and are not kept; the copy's card on the snapshots screen shows how it went.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { plural } from '../../components/format';
import { useAppStore } from '../../store/store-context';
import { RemoteTargetFields, targetKinds } from '../repository/target-fields';
import {
  buildTarget,
  emptyTargetFields,
  type TargetFields,
  type TargetKind,
} from '../repository/target-location';

export function CopyDialog({
  snapshots,
  onClose,
}: {
  /** Ids of the snapshots to copy. */
  snapshots: string[] | null;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const startCopy = useAppStore((s) => s.startCopy);
  const startError = useAppStore((s) => s.jobStartError);
  const [kind, setKind] = useState<TargetKind>('local');
  const [fields, setFields] = useState<TargetFields>(emptyTargetFields);
  const [create, setCreate] = useState(false);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const ids = { kind: useId(), path: useId(), password: useId(), again: useId() };

  useEffect(() => {
    if (snapshots !== null && dialog.current?.open === false) dialog.current.showModal();
    if (snapshots === null && dialog.current?.open) dialog.current.close();
  }, [snapshots]);
  const close = () => {
    setTried(false);
    onClose();
  };

  const built = buildTarget(kind, fields);
  const problem = !built.ok
    ? built.problem
    : password === ''
      ? 'Enter the password of the destination repository'
      : create && password !== again
        ? 'The two passwords differ'
        : null;

  const submit = async () => {
    if (snapshots === null || !built.ok || problem !== null) return;
    setBusy(true);
    setTried(true);
    const jobId = await startCopy({
      snapshots,
      destination: { location: built.location, secrets: built.secrets, password },
      create,
    });
    setBusy(false);
    if (jobId !== null) {
      setPassword('');
      setAgain('');
      close();
    }
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      data-testid="copy-dialog"
    >
      {snapshots !== null && (
        <form
          className="dialog-body"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h2>Copy {plural(snapshots.length, 'snapshot')} to another repository</h2>
          <p className="muted small">
            Only data the other repository lacks is stored; snapshots already copied there are
            skipped. Its password and credentials are used for this copy only.
          </p>
          <div className="button-row tight" role="group" aria-label="Destination">
            <button
              type="button"
              className={`button ${create ? '' : 'primary'}`}
              aria-pressed={!create}
              onClick={() => setCreate(false)}
              data-testid="copy-mode-existing"
            >
              Existing repository
            </button>
            <button
              type="button"
              className={`button ${create ? 'primary' : ''}`}
              aria-pressed={create}
              onClick={() => setCreate(true)}
              data-testid="copy-mode-new"
            >
              New repository
            </button>
          </div>
          <div className="field">
            <label htmlFor={ids.kind}>Stored on</label>
            <select
              id={ids.kind}
              className="input"
              value={kind}
              onChange={(e) => setKind(e.target.value as TargetKind)}
              data-testid="copy-target-kind"
            >
              {targetKinds.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </div>
          {kind === 'local' ? (
            <div className="field">
              <label htmlFor={ids.path}>Folder</label>
              <input
                id={ids.path}
                className="input mono"
                value={fields.path}
                placeholder="/media/backup-disk/cairn"
                spellCheck={false}
                onChange={(e) => setFields({ ...fields, path: e.target.value })}
                data-testid="copy-path"
              />
            </div>
          ) : (
            <RemoteTargetFields
              kind={kind}
              fields={fields}
              onChange={(name, value) => setFields({ ...fields, [name]: value })}
            />
          )}
          <div className="field">
            <label htmlFor={ids.password}>
              {create ? 'Password for the new repository' : 'Its repository password'}
            </label>
            <input
              id={ids.password}
              className="input"
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="copy-password"
            />
          </div>
          {create && (
            <div className="field">
              <label htmlFor={ids.again}>The same password again</label>
              <input
                id={ids.again}
                className="input"
                type="password"
                autoComplete="off"
                value={again}
                onChange={(e) => setAgain(e.target.value)}
                data-testid="copy-password-again"
              />
            </div>
          )}
          {problem !== null && (password !== '' || again !== '') && (
            <p className="hint" data-testid="copy-problem">
              {problem}
            </p>
          )}
          {tried && startError && <ErrorNotice error={startError} testId="copy-error" />}
          <div className="button-row">
            <button
              type="submit"
              className="button primary"
              disabled={busy || problem !== null}
              data-testid="copy-start"
            >
              {busy ? 'Starting…' : 'Copy'}
            </button>
            <button type="button" className="button" onClick={close} data-testid="copy-cancel">
              Cancel
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
