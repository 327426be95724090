import { useEffect, useState } from 'react';
import type { ApiSourceValidation } from '../../../../shared/contract';
import { useAppStore } from '../../store/store-context';
import { DefinitionProblems } from '../../components/definition-problems';

const validateDelayMs = 300;

/**
 * A plan's API source definitions (JSON, secrets by reference), each checked as it is typed
 * by the engine's own rules (as on the Sources screen), and their own polling interval.
 */
export function PlanApiSources({
  texts,
  onChange,
  apiEvery,
  onApiEvery,
}: {
  texts: string[];
  onChange: (texts: string[]) => void;
  apiEvery: string;
  onApiEvery: (text: string) => void;
}) {
  return (
    <div data-testid="plan-api-sources">
      {texts.map((text, i) => (
        <DefinitionEditor
          key={i}
          text={text}
          onChange={(next) => onChange(texts.map((t, j) => (j === i ? next : t)))}
          onRemove={() => onChange(texts.filter((_, j) => j !== i))}
        />
      ))}
      <div className="row">
        <button
          type="button"
          className="button"
          onClick={() => onChange([...texts, ''])}
          data-testid="plan-api-add"
        >
          Add an API source
        </button>
        {texts.length > 0 && (
          <>
            <label htmlFor="plan-api-every">Poll the API sources on their own every</label>
            <input
              id="plan-api-every"
              className="input"
              size={6}
              placeholder="15m"
              value={apiEvery}
              onChange={(e) => onApiEvery(e.target.value)}
              data-testid="plan-api-every"
            />
            <span className="muted small">(empty: with each run)</span>
          </>
        )}
      </div>
    </div>
  );
}

function DefinitionEditor({
  text,
  onChange,
  onRemove,
}: {
  text: string;
  onChange: (text: string) => void;
  onRemove: () => void;
}) {
  const validate = useAppStore((s) => s.validatePlanApiSource);
  const [verdict, setVerdict] = useState<ApiSourceValidation | null>(null);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void validate(text).then((v) => {
        if (current) setVerdict(v);
      });
    }, validateDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, validate]);

  return (
    <div className="api-editor" data-testid="plan-api-source">
      <textarea
        className="input mono code-editor"
        value={text}
        spellCheck={false}
        placeholder='{ "name": "tracker", "baseUrl": "https://…", "endpoints": [ … ] }'
        aria-label="Source definition (JSON)"
        onChange={(e) => onChange(e.target.value)}
        data-testid="plan-api-text"
      />
      <div className="api-editor-footer">
        <div className="grow" data-testid="plan-api-validation">
          {verdict?.ok && (
            <span className="ok-text">
              ✓ {verdict.name}: {verdict.endpoints.join(', ')}
            </span>
          )}
          {verdict && !verdict.ok && <DefinitionProblems problems={verdict.problems} />}
        </div>
        <button
          type="button"
          className="button button-quiet"
          onClick={onRemove}
          data-testid="plan-api-remove"
        >
          Remove
        </button>
      </div>
    </div>
  );
}
