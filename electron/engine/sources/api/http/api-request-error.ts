/**
 * Why a request to an API failed, with whether trying again can help. Messages are built from
 * redacted URLs only.
 */

export type ApiFailureKind =
  | 'network'
  | 'timeout'
  | 'http'
  | 'rate-limited'
  | 'auth'
  | 'too-large'
  | 'malformed'
  | 'shape'
  | 'pagination-loop'
  | 'page-limit'
  | 'cross-origin'
  | 'cancelled';

export class ApiRequestError extends Error {
  constructor(
    readonly kind: ApiFailureKind,
    message: string,
    /** The request's URL with secrets redacted. */
    readonly url: string,
    readonly options: { status?: number; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
}
