/**
 * OAuth2 client credentials (RFC 6749 §4.4): the client's id and secret buy an access token at
 * the token URL, sent as HTTP Basic (`clientAuthentication: "basic"`, RFC 6749 §2.3.1, what
 * servers must accept) or as `client_id` and `client_secret` in the form (`"body"`, which many
 * token endpoints require instead). The token is cached and shared by concurrent requests, fetched again shortly
 * before it expires, and fetched again once when the API answers 401 (a token revoked early).
 */
import type { Authenticator } from './authenticator.js';

export interface TokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
  token_type?: unknown;
}

export interface OAuth2ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  clientAuthentication: 'basic' | 'body';
}

/** Posts a form to the token URL and returns the parsed JSON answer. */
export type TokenRequester = (
  url: string,
  form: URLSearchParams,
  headers: Record<string, string>,
  signal?: AbortSignal,
) => Promise<unknown>;

/** Refresh this long before the stated expiry, so no request carries a token that just died. */
const EXPIRY_MARGIN_MS = 30_000;

export class OAuth2ClientCredentialsAuthenticator implements Authenticator {
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credentials: OAuth2ClientCredentials,
    private readonly requestToken: TokenRequester,
    /** Told every new token, so that messages can redact it. */
    private readonly onToken: (token: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  async apply(request: { headers: Record<string, string> }, signal?: AbortSignal): Promise<void> {
    request.headers['authorization'] = `Bearer ${await this.currentToken(signal)}`;
  }

  async refreshAfterUnauthorized(): Promise<boolean> {
    this.token = undefined;
    return true;
  }

  private async currentToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt) return this.token.value;
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(signal?: AbortSignal): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scopes, clientAuthentication } = this.credentials;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes && scopes.length > 0) form.set('scope', scopes.join(' '));
    const headers: Record<string, string> = {};
    if (clientAuthentication === 'body') {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    } else {
      // RFC 6749 §2.3.1: HTTP Basic with the form-encoded id and secret.
      const basic = Buffer.from(
        `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
      ).toString('base64');
      headers.authorization = `Basic ${basic}`;
    }
    const answer = (await this.requestToken(
      tokenUrl,
      form,
      headers,
      signal,
    )) as TokenResponse | null;
    const value = answer?.access_token;
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error('the token endpoint answered without an access_token');
    }
    this.onToken(value);
    // `expires_in` may come as a JsonNumber (`3600.0`): its text is a number all the same.
    const seconds = Number(String(answer?.expires_in ?? ''));
    const expiresIn = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3_600_000;
    const margin = Math.min(EXPIRY_MARGIN_MS, expiresIn / 10);
    this.token = { value, expiresAt: this.now() + expiresIn - margin };
    return value;
  }
}
