import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icons';
import { PathField } from '../../components/path-field';
import { useAppStore } from '../../store/store-context';
import { recentRepositories } from './recent-repositories';

type Mode = 'open' | 'create';

/**
 * Open an existing repository or create a new one: the first thing a user sees. When no
 * repository is known (none opened in this browser or app, and none in Cairn's data folder),
 * it opens on "Create" with that folder filled in, so a first backup is a password away.
 */
export function ConnectScreen() {
  const [recent] = useState(recentRepositories);
  const offered = useAppStore((s) => s.appInfo?.defaultRepository);
  // null until the user chooses: then the host's answer (which may come later) decides.
  const [chosenMode, setMode] = useState<Mode | null>(null);
  const [typedLocation, setLocation] = useState<string | null>(null);
  const firstRun = recent.length === 0 && offered !== undefined && !offered.exists;
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
  const mismatch = mode === 'create' && confirm !== '' && confirm !== password;
  const ratePassword = useAppStore((s) => s.ratePassword);
  const rated = useAppStore((s) => s.passwordRating);
  const weak = mode === 'create' && rated?.password === password && rated.rating.weak;
  useEffect(() => {
    if (mode !== 'create') return;
    const timer = setTimeout(() => void ratePassword(password), 250);
    return () => clearTimeout(timer);
  }, [mode, password, ratePassword]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || busy) return;
    void (mode === 'open' ? connect(location, password) : create(location, password));
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
        {mode === 'create' && offered !== undefined && location === offered.location && (
          <p className="hint" data-testid="repository-default-hint">
            Suggested: a repository in Cairn’s own folder on this computer. A copy on another drive
            also protects against a failed disk; you can create one there later.
          </p>
        )}
        {mode === 'open' && recent.length > 1 && (
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
            busy ||
            location.trim() === '' ||
            password === '' ||
            (mode === 'create' && confirm !== password)
          }
          data-testid="repository-submit"
        >
          {busy ? 'Working…' : mode === 'open' ? 'Open repository' : 'Create repository'}
        </button>
      </form>
    </main>
  );
}
