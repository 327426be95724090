/**
 * Turns anything thrown behind the contract into a ContractError. Engine errors keep their
 * kind so the UI can choose its words; anything else becomes a generic 'failure' whose text
 * is only shown as detail, because it was not written for people.
 */
import type { ContractError, ContractErrorKind } from '../../shared/contract.js';
import { CairnError } from '../engine/errors.js';

export class ContractFailure extends Error {
  constructor(
    readonly kind: ContractErrorKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ContractFailure';
  }
}

export function toContractError(err: unknown): ContractError {
  if (err instanceof CairnError) {
    return withDetail({ kind: err.kind, message: err.message }, err.detail);
  }
  if (err instanceof ContractFailure) {
    return withDetail({ kind: err.kind, message: err.message }, err.detail);
  }
  if (isAbort(err)) return { kind: 'cancelled', message: 'Cancelled.' };
  const text = err instanceof Error ? err.message : String(err);
  return { kind: 'failure', message: 'Something went wrong.', detail: text };
}

function withDetail(error: ContractError, detail: string | undefined): ContractError {
  return detail === undefined ? error : { ...error, detail };
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
