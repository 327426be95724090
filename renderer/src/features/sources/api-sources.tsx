import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { ApiSourceTest } from '../../../../shared/contract';
import { ErrorNotice } from '../../components/error-notice';
import { plural } from '../../components/format';
import { Icon } from '../../components/icons';
import { RecordList } from '../../components/record-list';
import { useAppStore } from '../../store/store-context';
import { DefinitionProblems } from '../../components/definition-problems';

const validateDelayMs = 300;

/**
 * API source definitions (JSON), loaded from a file or pasted, validated as the user types by
 * the engine's own schema, so what passes here is what a backup accepts.
 */
export function ApiSources() {
  const drafts = useAppStore((s) => s.apiSources);
  const add = useAppStore((s) => s.addApiSource);
  const mode = useAppStore((s) => s.appInfo?.mode);
  const pickDefinition = useAppStore((s) => s.pickSourceDefinition);
  const fileInput = useRef<HTMLInputElement>(null);

  const loadFromFile = async () => {
    if (mode === 'desktop') {
      const text = await pickDefinition();
      if (text !== null) add(text);
      return;
    }
    fileInput.current?.click();
  };
  const fileChosen = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) add(await file.text());
    e.target.value = '';
  };

  return (
    <section className="card" data-testid="api-sources">
      <h2 className="card-title">
        <Icon name="api" /> API sources
      </h2>
      {drafts.length === 0 && (
        <p className="empty-inline">
          Back up records from a REST API by describing it in a source definition (JSON).
        </p>
      )}
      {drafts.map((draft) => (
        <ApiSourceEditor key={draft.id} id={draft.id} />
      ))}
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => add('')}
          data-testid="api-source-paste"
        >
          Paste a definition
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void loadFromFile()}
          data-testid="api-source-load"
        >
          Load from file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => void fileChosen(e)}
          data-testid="api-source-file"
        />
      </div>
    </section>
  );
}

function ApiSourceEditor({ id }: { id: string }) {
  const draft = useAppStore((s) => s.apiSources.find((d) => d.id === id));
  const update = useAppStore((s) => s.updateApiSource);
  const validate = useAppStore((s) => s.validateApiSource);
  const remove = useAppStore((s) => s.removeApiSource);
  const runTest = useAppStore((s) => s.testApiSource);
  const [text, setText] = useState(draft?.text ?? '');

  // The store gets every keystroke at once ("Back up now" backs up what is on screen); only
  // the engine's validation waits for a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => void validate(id), validateDelayMs);
    return () => clearTimeout(timer);
  }, [id, text, validate]);

  if (draft === undefined) return null;
  const v = draft.validation;
  const test = () => void runTest(id);
  return (
    <div className="api-editor" data-testid="api-source-editor">
      <textarea
        className="input mono code-editor"
        value={text}
        spellCheck={false}
        placeholder='{ "name": "tracker", "baseUrl": "https://…", "endpoints": [ … ] }'
        aria-label="Source definition (JSON)"
        onChange={(e) => {
          setText(e.target.value);
          update(id, e.target.value);
        }}
        data-testid="api-source-text"
      />
      <div className="api-editor-footer">
        <div data-testid="api-source-validation" className="grow">
          {draft.validationError && <span className="field-error">{draft.validationError}</span>}
          {v && !v.available && (
            <span className="muted">
              This build of Cairn cannot check API source definitions yet; the definition is kept as
              typed.
            </span>
          )}
          {v && v.available && v.ok && (
            <span className="ok-text">
              ✓ {v.name}: {v.endpoints.length} endpoint{v.endpoints.length === 1 ? '' : 's'} (
              {v.endpoints.join(', ')})
              {draft.savedText === text && (
                <span className="muted" data-testid="api-source-saved">
                  {' '}
                  · kept for this repository
                </span>
              )}
            </span>
          )}
          {draft.saveError && (
            <p className="field-error" data-testid="api-source-save-error">
              {draft.saveError}
            </p>
          )}
          {v && v.available && !v.ok && <DefinitionProblems problems={v.problems} />}
        </div>
        <button
          type="button"
          className="button"
          disabled={draft.testing || text.trim() === ''}
          onClick={test}
          data-testid="api-source-test"
        >
          {draft.testing ? 'Testing…' : 'Test'}
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => remove(id)}
          data-testid="api-source-remove"
        >
          Remove
        </button>
      </div>
      {draft.testError && <ErrorNotice error={draft.testError} testId="api-source-test-error" />}
      {draft.test && <FirstPages result={draft.test.result} stale={draft.test.text !== text} />}
    </div>
  );
}

/** The test request's answer: per endpoint, what its first page held and where the next is. */
function FirstPages({ result, stale }: { result: ApiSourceTest; stale: boolean }) {
  return (
    <div className="api-test" data-testid="api-source-test-result">
      <p className="muted small">
        First page of each endpoint of {result.source}; nothing was saved.
        {stale && ' The definition changed since: test again to see its answer.'}
      </p>
      {result.endpoints.map((e) => (
        <div
          key={e.endpoint}
          className="api-test-endpoint"
          data-testid="api-test-endpoint"
          data-endpoint={e.endpoint}
        >
          <h3 className="api-test-title">
            <span className="mono">{e.endpoint}</span>
            {e.url && <span className="muted small mono ellipsis"> {e.url}</span>}
          </h3>
          {e.error !== null ? (
            <p className="field-error" data-testid="api-test-error">
              {e.error}
            </p>
          ) : (
            <>
              <p className="small" data-testid="api-test-summary">
                {plural(e.records, 'record')} found on the first page
                {e.sample.length > 0 && e.sample.length < e.records
                  ? ` (first ${e.sample.length} shown)`
                  : ''}
                .{' '}
                <span data-testid="api-test-next-page">
                  {e.nextPage === null ? (
                    'No next page: this is the last one.'
                  ) : (
                    <>
                      Next page: <code>{e.nextPage}</code>
                    </>
                  )}
                </span>
              </p>
              <RecordList records={e.sample} testId="api-test-record" />
            </>
          )}
        </div>
      ))}
    </div>
  );
}
