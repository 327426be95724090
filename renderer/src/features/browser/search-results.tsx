import { Icon } from '../../components/icons';
import { useAppStore } from '../../store/store-context';
import { iconFor } from './tree-view';

export function SearchResults() {
  const results = useAppStore((s) => s.searchResults);
  const truncated = useAppStore((s) => s.searchTruncated);
  const selectedPath = useAppStore((s) => s.selected?.path);
  const select = useAppStore((s) => s.selectEntry);

  if (results === null) return <p className="muted pad">Searching…</p>;
  if (results.length === 0) {
    return (
      <p className="muted pad" data-testid="search-empty">
        Nothing in this snapshot has that name.
      </p>
    );
  }
  return (
    <ul className="tree" data-testid="search-results">
      {results.map((entry) => (
        <li key={entry.path}>
          <button
            type="button"
            className={`tree-row search-row ${selectedPath === entry.path ? 'selected' : ''}`}
            onClick={() => void select(entry)}
            data-testid="search-result"
            data-path={entry.path}
          >
            <Icon name={iconFor(entry)} className="muted" />
            <span className="grow">
              <span className="ellipsis block">{entry.name}</span>
              <span className="muted small mono ellipsis block">{entry.path}</span>
            </span>
          </button>
        </li>
      ))}
      {truncated && (
        <li className="muted small pad">Showing the first matches; type more to narrow.</li>
      )}
    </ul>
  );
}
