import { useId } from 'react';

/**
 * A path typed by hand or chosen with "Browse…" (native dialog on the desktop, Cairn's own
 * folder browser in web mode).
 */
export function PathField({
  label,
  value,
  onChange,
  onBrowse,
  placeholder,
  testId,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBrowse: () => void;
  placeholder?: string;
  testId: string;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-row">
        <input
          id={id}
          className="input mono"
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
        <button
          type="button"
          className="button"
          onClick={onBrowse}
          data-testid={`${testId}-browse`}
        >
          Browse…
        </button>
      </div>
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}
