import { Icon, type IconName } from '../../components/icons';
import { useAppStore } from '../../store/store-context';
import { ActivityScreen } from '../activity/activity-screen';
import { SnapshotBrowserScreen } from '../browser/snapshot-browser-screen';
import { CompareScreen } from '../compare/compare-screen';
import type { Screen } from '../navigation/navigation-slice';
import { PlansScreen } from '../plans/plans-screen';
import { SnapshotsScreen } from '../snapshots/snapshots-screen';
import { SourcesScreen } from '../sources/sources-screen';

const nav: { screen: Screen; label: string; icon: IconName }[] = [
  { screen: 'plans', label: 'Plans', icon: 'activity' },
  { screen: 'sources', label: 'Sources', icon: 'sources' },
  { screen: 'snapshots', label: 'Snapshots', icon: 'snapshot' },
  { screen: 'compare', label: 'Compare', icon: 'search' },
  { screen: 'activity', label: 'Activity', icon: 'activity' },
];

/** The window once a repository is open: navigation on the left, the screen on the right. */
export function AppShell() {
  const screen = useAppStore((s) => s.screen);
  const go = useAppStore((s) => s.go);
  const repository = useAppStore((s) => s.repository);
  const disconnect = useAppStore((s) => s.disconnectRepository);
  const running = useAppStore(
    (s) => s.jobOrder.filter((id) => s.jobs[id]?.status === 'running').length,
  );
  const snapshotCount = useAppStore((s) => s.snapshots?.length);
  const appInfo = useAppStore((s) => s.appInfo);
  const credentialsNotice = useAppStore((s) => s.credentialsNotice);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <Icon name="snapshot" className="brand-mark" />
          <span>Cairn</span>
        </div>
        <ul className="nav">
          {nav.map((item) => (
            <li key={item.screen}>
              <button
                type="button"
                className={`nav-item ${screen === item.screen || (screen === 'browser' && item.screen === 'snapshots') ? 'active' : ''}`}
                aria-current={screen === item.screen ? 'page' : undefined}
                onClick={() => go(item.screen)}
                data-testid={`nav-${item.screen}`}
              >
                <Icon name={item.icon} />
                <span className="grow">{item.label}</span>
                {item.screen === 'snapshots' && snapshotCount !== undefined && (
                  <span className="count">{snapshotCount}</span>
                )}
                {item.screen === 'activity' && running > 0 && (
                  <span className="count count-live" data-testid="running-jobs">
                    {running}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <div className="repo-chip" title={repository?.location}>
            <Icon name="repository" className="muted" />
            <span className="ellipsis mono small" data-testid="repository-location-label">
              {repository?.location}
            </span>
          </div>
          {credentialsNotice && (
            <p className="muted small" data-testid="credentials-notice">
              {credentialsNotice}
            </p>
          )}
          <button
            type="button"
            className="button button-quiet button-wide"
            onClick={() => void disconnect()}
            data-testid="repository-close"
          >
            Close repository
          </button>
          {appInfo && (
            <p className="muted small version" data-testid="app-version">
              Cairn {appInfo.version} ·{' '}
              {appInfo.mode === 'web' ? `web, on ${appInfo.hostname}` : 'desktop'}
            </p>
          )}
        </div>
      </nav>
      <main className="content">
        {screen === 'sources' && <SourcesScreen />}
        {screen === 'snapshots' && <SnapshotsScreen />}
        {screen === 'browser' && <SnapshotBrowserScreen />}
        {screen === 'compare' && <CompareScreen />}
        {screen === 'activity' && <ActivityScreen />}
        {screen === 'plans' && <PlansScreen />}
      </main>
    </div>
  );
}
