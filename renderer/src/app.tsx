import { useEffect } from 'react';
import { ErrorNotice } from './components/error-notice';
import { FolderPickerDialog } from './features/folder-picker/folder-picker-dialog';
import { ConnectScreen } from './features/repository/connect-screen';
import { AppShell } from './features/shell/app-shell';
import { useAppStore } from './store/store-context';

export function App() {
  const initialize = useAppStore((s) => s.initialize);
  const ready = useAppStore((s) => s.appInfo !== null);
  const repository = useAppStore((s) => s.repository);
  const connectionLost = useAppStore((s) => s.connectionLost);
  const startupError = useAppStore((s) => (s.appInfo === null ? s.repositoryError : null));

  useEffect(() => {
    void initialize();
  }, [initialize]);

  return (
    <>
      {connectionLost && (
        <div className="banner" data-testid="connection-lost">
          <ErrorNotice
            error={{ kind: 'disconnected', message: 'The connection to Cairn was lost.' }}
          />
        </div>
      )}
      {startupError && !connectionLost && (
        <div className="banner">
          <ErrorNotice error={startupError} testId="startup-error" />
        </div>
      )}
      {ready && (repository === null ? <ConnectScreen /> : <AppShell />)}
      <FolderPickerDialog />
    </>
  );
}
