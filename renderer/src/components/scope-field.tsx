/** The whole snapshot or only the path selected in its tree: what a restore or an export takes. */
export type Scope = 'all' | 'selected';

export function ScopeField({
  scope,
  onChange,
  selectedPath,
  name,
  testIdPrefix,
}: {
  scope: Scope;
  onChange: (scope: Scope) => void;
  /** The path selected in the tree, if any; without one, "only" cannot be chosen. */
  selectedPath: string | undefined;
  /** The radio group's name, unique in the page. */
  name: string;
  /** Test ids are `${prefix}-all` and `${prefix}-selected`. */
  testIdPrefix: string;
}) {
  return (
    <fieldset className="field">
      <legend>What</legend>
      <label className="radio">
        <input
          type="radio"
          name={name}
          checked={scope === 'all'}
          onChange={() => onChange('all')}
          data-testid={`${testIdPrefix}-all`}
        />
        The whole snapshot
      </label>
      <label className={`radio ${selectedPath ? '' : 'disabled'}`}>
        <input
          type="radio"
          name={name}
          checked={scope === 'selected'}
          disabled={!selectedPath}
          onChange={() => onChange('selected')}
          data-testid={`${testIdPrefix}-selected`}
        />
        {selectedPath ? (
          <>
            Only <code>{selectedPath}</code>
          </>
        ) : (
          'Only the selected file or folder (select one in the tree)'
        )}
      </label>
    </fieldset>
  );
}
