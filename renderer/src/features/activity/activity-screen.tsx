import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';
import { formatDateTime } from '../../components/format';

/** Every job of this session, newest first, with its log. */
export function ActivityScreen() {
  const order = useAppStore((s) => s.jobOrder);
  return (
    <div className="screen" data-testid="activity-screen">
      <header className="screen-header">
        <div>
          <h1>Activity</h1>
          <p className="muted">Backups, restores and checks started since Cairn was opened.</p>
        </div>
      </header>
      {order.length === 0 ? (
        <div className="empty" data-testid="activity-empty">
          Nothing has run yet.
        </div>
      ) : (
        <div className="stack">
          {order.map((id) => (
            <ActivityItem key={id} jobId={id} />
          ))}
        </div>
      )}
    </div>
  );
}

function ActivityItem({ jobId }: { jobId: string }) {
  const startedAt = useAppStore((s) => s.jobs[jobId]?.startedAt);
  const logs = useAppStore((s) => s.jobs[jobId]?.logs);
  return (
    <div className="activity-item">
      <p className="muted small">Started {startedAt ? formatDateTime(startedAt) : ''}</p>
      <JobCard jobId={jobId} />
      {logs && logs.length > 0 && (
        <details className="log" data-testid="job-log">
          <summary>Log ({logs.length})</summary>
          <pre>
            {logs.map((l) => `${l.level === 'warning' ? '⚠ ' : ''}${l.message}`).join('\n')}
          </pre>
        </details>
      )}
    </div>
  );
}
