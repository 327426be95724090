import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';

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
            <JobCard key={id} jobId={id} withLog />
          ))}
        </div>
      )}
    </div>
  );
}
