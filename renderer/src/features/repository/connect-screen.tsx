import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icons';
import { PathField } from '../../components/path-field';
import { useAppStore } from '../../store/store-context';
import { HostKeyQuestion, TargetTestResult } from './target-check';
import { RemoteTargetFields, targetKinds } from './target-fields';
import {
  buildTarget,
  emptyTargetFields,
  type TargetFields,
  type TargetKind,
} from './target-location';

type Mode = 'open' | 'create';

/**
 * Open an existing repository or create a new one: the first thing a user sees. When no
 * repository is known (none opened before, and none in Cairn’s data folder),
 * it opens on "Create" with that folder filled in, so a first backup is a password away.
 */
export function ConnectScreen() {
  const known = useAppStore((s) => s.recentRepositories);
  const recentError = useAppStore((s) => s.recentRepositoriesError);
  const recent = known?.map((r) => r.location) ?? [];
  const offered = useAppStore((s) => s.appInfo?.defaultRepository);
  // null until the user chooses: then the host's answer (which may come later) decides.
  const [chosenMode, setMode] = useState<Mode | null>(null);
  const [typedLocation, setLocation] = useState<string | null>(null);
  const firstRun =
    known !== null && recent.length === 0 && offered !== undefined && !offered.exists;
  const mode = chosenMode ?? (firstRun ? 'create' : 'open');
  const location = typedLocation ?? recent[0] ?? offered?.location ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const busy = useAppStore((s) => s.repositoryBusy);
  const error = useAppStore((s) => s.repositoryError);
  const connect = useAppStore((s) => s.connectRepository);
  const create = useAppStore((s) => s.createRepository);
  const clearError = useAppStore((s) => s.clearRepositoryError);
  const pickFolder = useAppStore((s) => s.pickFolder);
  const [kind, setKind] = useState<TargetKind>('local');
  const [fields, setFields] = useState<TargetFields>(emptyTargetFields);
  const testTarget = useAppStore((s) => s.testTarget);
  const ensureHostTrusted = useAppStore((s) => s.ensureHostTrusted);
  const clearTargetTest = useAppStore((s) => s.clearTargetTest);
  const hostKeyError = useAppStore((s) => s.hostKeyError);
  /** What to do once an SFTP server's key is trusted: the test or the open/create asked for. */
  const [afterTrust, setAfterTrust] = useState<(() => void) | null>(null);
  const mismatch = mode === 'create' && confirm !== '' && confirm !== password;
  const built = buildTarget(kind, kind === 'local' ? { ...fields, path: location } : fields);
  const ratePassword = useAppStore((s) => s.ratePassword);
  const rated = useAppStore((s) => s.passwordRating);
  const weak = mode === 'create' && rated?.password === password && rated.rating.weak;
  useEffect(() => {
    if (mode !== 'create') return;
    const timer = setTimeout(() => void ratePassword(password), 250);
    return () => clearTimeout(timer);
  }, [mode, password, ratePassword]);

  const whenTrusted = async (action: () => void) => {
    if (!built.ok) return;
    if (await ensureHostTrusted(built.location)) action();
    else setAfterTrust(() => action);
  };
  const openOrCreate = () => {
    if (!built.ok) return;
    if (kind === 'local') {
      void (mode === 'open' ? connect(location, password) : create(location, password));
      return;
    }
    const { location: target, secrets } = built;
    void (mode === 'open' ? connect(target, password, secrets) : create(target, password, secrets));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || busy || !built.ok) return;
    void whenTrusted(openOrCreate);
  };
  const test = () => {
    if (!built.ok) return;
    const { location: target, secrets } = built;
    void whenTrusted(() => void testTarget(target, secrets));
  };
  const changeField = (field: keyof TargetFields, value: string) => {
    setFields((f) => ({ ...f, [field]: value }));
    clearTargetTest();
  };
  const switchMode = (next: Mode) => {
    setMode(next);
    clearError();
  };
  const browse = async () => {
    const picked = await pickFolder('repository', location || undefined);
    if (picked !== null) setLocation(picked);
  };

  return (
    <main className="connect" data-testid="connect-screen">
      <form className="card connect-card" onSubmit={submit} aria-busy={busy}>
        <div className="brand brand-large">
          <Icon name="snapshot" className="brand-mark" />
          <span>Cairn</span>
        </div>
        <p className="muted">Encrypted, deduplicated backups of your folders and APIs.</p>
        <div className="segmented" role="tablist" aria-label="Repository">
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'open'}
            onClick={() => switchMode('open')}
            data-testid="repository-mode-open"
          >
            Open a repository
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'create'}
            onClick={() => switchMode('create')}
            data-testid="repository-mode-create"
          >
            Create a repository
          </button>
        </div>
        <div className="field">
          <label htmlFor="target-kind">Stored on</label>
          <select
            id="target-kind"
            className="input"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as TargetKind);
              clearTargetTest();
            }}
            data-testid="target-kind"
          >
            {targetKinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        {kind !== 'local' && (
          <RemoteTargetFields kind={kind} fields={fields} onChange={changeField} />
        )}
        {kind !== 'local' && (
          <div className="field">
            {built.ok ? (
              <p className="hint mono" data-testid="target-location">
                {built.location}
              </p>
            ) : (
              <p className="hint" data-testid="target-problem">
                {built.problem}
              </p>
            )}
            <div className="button-row">
              <button
                type="button"
                className="button"
                disabled={!built.ok}
                onClick={test}
                data-testid="target-test"
              >
                Test connection
              </button>
            </div>
          </div>
        )}
        <HostKeyQuestion
          onTrusted={() => {
            afterTrust?.();
            setAfterTrust(null);
          }}
        />
        {hostKeyError && <ErrorNotice error={hostKeyError} testId="host-key-error" />}
        <TargetTestResult />
        {kind === 'local' && (
          <PathField
            label={mode === 'open' ? 'Repository location' : 'Where to create it'}
            value={location}
            onChange={setLocation}
            onBrowse={() => void browse()}
            placeholder="/media/backup/cairn"
            testId="repository-location"
            hint={
              mode === 'create'
                ? 'An empty folder on a local or external drive. It is created if it does not exist.'
                : undefined
            }
          />
        )}
        {kind === 'local' &&
          mode === 'create' &&
          offered !== undefined &&
          location === offered.location && (
            <p className="hint" data-testid="repository-default-hint">
              Suggested: a repository in Cairn’s own folder on this computer. A copy on another
              drive also protects against a failed disk; you can create one there later.
            </p>
          )}
        {recentError && (
          <p className="warning-text" role="status" data-testid="recent-repositories-error">
            Recently opened repositories could not be read: {recentError.message}
          </p>
        )}
        {kind === 'local' && mode === 'open' && recent.length > 1 && (
          <div className="recent" aria-label="Recently opened">
            {recent.map((r) => (
              <button
                key={r}
                type="button"
                className={`chip mono ${r === location ? 'active' : ''}`}
                onClick={() => setLocation(r)}
                title={r}
                data-testid="recent-repository"
              >
                {r}
              </button>
            ))}
          </div>
        )}
        <div className="field">
          <label htmlFor="repository-password">Password</label>
          <input
            id="repository-password"
            className="input"
            type="password"
            value={password}
            autoComplete={mode === 'open' ? 'current-password' : 'new-password'}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="repository-password"
          />
        </div>
        {mode === 'create' && (
          <div className="field">
            <label htmlFor="repository-password-confirm">Repeat the password</label>
            <input
              id="repository-password-confirm"
              className="input"
              type="password"
              value={confirm}
              autoComplete="new-password"
              aria-invalid={mismatch}
              onChange={(e) => setConfirm(e.target.value)}
              data-testid="repository-password-confirm"
            />
            {weak && (
              <p className="warning-text" role="status" data-testid="repository-password-weak">
                This password is easy to guess. {rated.rating.advice}
              </p>
            )}
            {mismatch && (
              <p className="field-error" data-testid="repository-password-mismatch">
                The passwords differ.
              </p>
            )}
            <p className="hint">
              Without this password nobody — not even you — can read the backups. Keep it safe.
            </p>
          </div>
        )}
        {error && <ErrorNotice error={error} testId="repository-error" />}
        <button
          type="submit"
          className="button button-primary button-wide"
          disabled={
            busy || !built.ok || password === '' || (mode === 'create' && confirm !== password)
          }
          data-testid="repository-submit"
        >
          {busy ? 'Working…' : mode === 'open' ? 'Open repository' : 'Create repository'}
        </button>
      </form>
    </main>
  );
}
