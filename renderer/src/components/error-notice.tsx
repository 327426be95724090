import { useState } from 'react';
import type { ContractError } from '../../../shared/contract';
import { errorDetails, userMessage } from '../errors/user-message';

/** An error in words a user understands, with the engine's detail one click away. */
export function ErrorNotice({
  error,
  testId = 'error-notice',
  onDismiss,
}: {
  error: ContractError;
  testId?: string;
  onDismiss?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const words = userMessage(error);
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-kind={error.kind}>
      <div className="notice-text">
        <strong className="notice-title">{words.title}</strong>
        <span>{words.body ?? error.message}</span>
      </div>
      <div className="notice-actions">
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          data-testid={`${testId}-details-toggle`}
        >
          {open ? 'Hide details' : 'Details'}
        </button>
        {onDismiss && (
          <button type="button" className="link-button" onClick={onDismiss} aria-label="Dismiss">
            Dismiss
          </button>
        )}
      </div>
      {open && (
        <pre className="notice-details" data-testid={`${testId}-details`}>
          {errorDetails(error)}
        </pre>
      )}
    </div>
  );
}
