import { formatBytes } from '../../components/format';
import { useAppStore } from '../../store/store-context';

/** What "Test connection" found, in words. */
export function TargetTestResult() {
  const test = useAppStore((s) => s.targetTest);
  if (test === null) return null;
  if (test.state === 'testing') {
    return (
      <p className="muted" data-testid="target-test-result" data-state="testing">
        Testing the connection…
      </p>
    );
  }
  if (test.state === 'failed') {
    return (
      <div className="notice notice-error" data-testid="target-test-result" data-state="failed">
        <div className="notice-text">
          <strong>The connection test failed</strong>
          <span data-testid="target-test-error">{test.error.message}</span>
        </div>
      </div>
    );
  }
  const r = test.report;
  return (
    <div className="notice" data-testid="target-test-result" data-state="passed">
      <div className="notice-text">
        <strong>Connected in {r.latencyMs} ms</strong>
        <ul className="plain-list">
          <li data-testid="target-test-repository">
            {r.repositoryExists
              ? 'A Cairn repository is there: open it.'
              : 'No repository there yet: you can create one.'}
          </li>
          <li data-testid="target-test-writable">
            {r.writable === null
              ? 'Writing could not be tried yet (the folder is made when the repository is created).'
              : r.writable
                ? 'Cairn can write there.'
                : 'Cairn cannot write there.'}
          </li>
          {r.freeBytes !== null && (
            <li data-testid="target-test-free">{formatBytes(r.freeBytes)} free.</li>
          )}
        </ul>
      </div>
    </div>
  );
}

/** An SFTP server seen for the first time: its fingerprint, and trust only on request. */
export function HostKeyQuestion({ onTrusted }: { onTrusted: () => void }) {
  const question = useAppStore((s) => s.hostKeyQuestion);
  const trust = useAppStore((s) => s.trustHostKey);
  const dismiss = useAppStore((s) => s.dismissHostKey);
  if (question === null) return null;
  const { check } = question;
  const changed = check.status === 'changed';
  return (
    <div
      className={`notice ${changed ? 'notice-error' : 'notice-warning'}`}
      role="alertdialog"
      data-testid="host-key-question"
      data-status={check.status}
    >
      <div className="notice-text">
        <strong>
          {changed
            ? `The server ${check.host}:${check.port} shows a different key`
            : `First connection to ${check.host}:${check.port}`}
        </strong>
        <span>
          {changed
            ? `Cairn trusts ${check.pinned.join(', ')} for this server. This may be someone in between; if the server's key really changed, remove its line from known_hosts in Cairn's folder.`
            : 'Check that this fingerprint matches the server’s own (ssh-keygen -lf on the server) before you trust it:'}
        </span>
        <code data-testid="host-key-fingerprint">
          {check.keyType} {check.fingerprint}
        </code>
      </div>
      <div className="button-row end">
        <button type="button" className="button" onClick={dismiss} data-testid="host-key-cancel">
          {changed ? 'Close' : 'Do not trust'}
        </button>
        {!changed && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => void trust().then((ok) => ok && onTrusted())}
            data-testid="host-key-trust"
          >
            Trust this server
          </button>
        )}
      </div>
    </div>
  );
}
