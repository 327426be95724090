/** How a source proves who it is on each request. */

export interface OutgoingRequest {
  url: URL;
  headers: Record<string, string>;
}

export interface Authenticator {
  /** Adds credentials (a header or a query parameter) to a request about to be sent. */
  apply(request: OutgoingRequest, signal?: AbortSignal): Promise<void>;
  /**
   * Called after a 401. True when new credentials were obtained, so the request deserves one
   * more try; false when the 401 is the answer (wrong or revoked credentials).
   */
  refreshAfterUnauthorized(): Promise<boolean>;
}

export const noAuthentication: Authenticator = {
  apply: async () => {},
  refreshAfterUnauthorized: async () => false,
};
