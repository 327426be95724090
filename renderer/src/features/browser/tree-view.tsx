import type { KeyboardEvent } from 'react';
import type { ListEntry } from '../../../../shared/domain';
import { Icon, type IconName } from '../../components/icons';
import { formatBytes } from '../../components/format';
import { useAppStore } from '../../store/store-context';

/**
 * The snapshot's tree: folders open lazily; API data appears under /api/<source>/ with one
 * file per endpoint. Arrow keys move between rows, Enter or Space opens or selects.
 */
export function TreeView() {
  const root = useAppStore((s) => s.treeChildren['/']);
  if (root === undefined) return <p className="muted pad">Loading…</p>;
  if (root.length === 0) return <p className="muted pad">This snapshot is empty.</p>;
  return (
    <ul
      className="tree"
      role="tree"
      aria-label="Snapshot contents"
      onKeyDown={moveFocus}
      data-testid="tree"
    >
      {root.map((entry) => (
        <TreeNode key={entry.path} entry={entry} depth={0} />
      ))}
    </ul>
  );
}

function TreeNode({ entry, depth }: { entry: ListEntry; depth: number }) {
  const isDir = entry.type === 'dir';
  const open = useAppStore((s) => s.expanded[entry.path] === true);
  const children = useAppStore((s) => s.treeChildren[entry.path]);
  const selected = useAppStore((s) => s.selected?.path === entry.path);
  const toggle = useAppStore((s) => s.toggleFolder);
  const select = useAppStore((s) => s.selectEntry);

  const activate = () => {
    void select(entry);
    if (isDir) void toggle(entry.path);
  };

  return (
    <li role="treeitem" aria-expanded={isDir ? open : undefined} aria-selected={selected}>
      <button
        type="button"
        className={`tree-row ${selected ? 'selected' : ''}`}
        style={{ paddingLeft: `${0.5 + depth * 1.1}rem` }}
        onClick={activate}
        data-tree-item
        data-testid="tree-item"
        data-path={entry.path}
        data-type={entry.type}
      >
        <Icon
          name="chevron"
          className={`chevron ${isDir ? '' : 'invisible'} ${open ? 'open' : ''}`}
        />
        <Icon name={iconFor(entry)} className="muted" />
        <span className="grow ellipsis">{entry.name}</span>
        {!isDir && <span className="muted small">{formatBytes(entry.size)}</span>}
      </button>
      {isDir && open && (
        <ul role="group">
          {children === undefined ? (
            <li className="muted small tree-loading">Loading…</li>
          ) : (
            children.map((child) => <TreeNode key={child.path} entry={child} depth={depth + 1} />)
          )}
        </ul>
      )}
    </li>
  );
}

export function iconFor(entry: ListEntry): IconName {
  if (entry.path.startsWith('/api/') && entry.name.endsWith('.ndjson')) return 'api';
  if (entry.type === 'dir') return 'folder';
  if (entry.type === 'symlink') return 'link';
  return 'file';
}

function moveFocus(e: KeyboardEvent<HTMLUListElement>) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const rows = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('[data-tree-item]')];
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  const next =
    rows[e.key === 'ArrowDown' ? Math.min(rows.length - 1, at + 1) : Math.max(0, at - 1)];
  next?.focus();
  e.preventDefault();
}
