/**
 * Everything a run against one source shares: resolved secrets, the redactor that keeps them out
 * of messages, the authenticator and the HTTP client holding the source's limits.
 */
import {
  resolveSecret as resolveSecretReference,
  isSecretReference,
} from '../../credentials/secret-reference.js';
import { createAuthenticator } from './auth/create-authenticator.js';
import type { Authenticator } from './auth/authenticator.js';
import { ApiHttpClient, type ApiResponse } from './http/api-http-client.js';
import type { RetryPolicy } from './http/retry-policy.js';
import { SecretRedactor } from './secret-redactor.js';
import type { EndpointDefinition, SourceDefinition } from './source-definition.js';

export interface ApiSourceSessionOptions {
  signal?: AbortSignal;
  /** Engine-side retry tuning (not part of the definition format). */
  retry?: Partial<RetryPolicy>;
  /** Resolves secret references; defaults to keychain:/env:/file: resolution. */
  resolveSecret?: (value: string) => Promise<string>;
}

export interface ApiSourceSession {
  definition: SourceDefinition;
  client: ApiHttpClient;
  auth: Authenticator;
  redactor: SecretRedactor;
  /** Static headers of the source merged with the endpoint's, secrets resolved. */
  headersFor(endpoint: EndpointDefinition): Promise<Record<string, string>>;
  request(
    endpoint: EndpointDefinition,
    url: string,
    body: Record<string, unknown> | undefined,
    /** Gives up on this request only (see ApiRequest.signal). */
    signal?: AbortSignal,
  ): Promise<ApiResponse>;
}

export async function openApiSourceSession(
  definition: SourceDefinition,
  options: ApiSourceSessionOptions = {},
): Promise<ApiSourceSession> {
  const redactor = new SecretRedactor();
  const resolve = options.resolveSecret ?? ((value: string) => resolveSecretReference(value));
  const client = new ApiHttpClient({
    limits: definition.limits,
    retry: options.retry,
    redactor,
    signal: options.signal,
  });
  const auth = await createAuthenticator(definition.auth, {
    resolveSecret: resolve,
    redactor,
    requestToken: async (url, form, headers) =>
      (
        await client.requestJson({
          method: 'POST',
          url,
          form,
          headers,
          outsideConcurrencyLimit: true,
        })
      ).body,
  });
  const resolveHeaders = async (headers: Record<string, string> | undefined) => {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers ?? {})) {
      const resolved = await resolve(value);
      if (isSecretReference(value)) redactor.add(resolved);
      out[name.toLowerCase()] = resolved;
    }
    return out;
  };
  const sourceHeaders = await resolveHeaders(definition.headers);
  const endpointHeaders = new Map<string, Record<string, string>>();
  const headersFor = async (endpoint: EndpointDefinition) => {
    let headers = endpointHeaders.get(endpoint.name);
    if (!headers) {
      headers = { ...sourceHeaders, ...(await resolveHeaders(endpoint.headers)) };
      endpointHeaders.set(endpoint.name, headers);
    }
    return headers;
  };
  return {
    definition,
    client,
    auth,
    redactor,
    headersFor,
    request: async (endpoint, url, body, signal) =>
      client.requestJson(
        { method: endpoint.method, url, headers: await headersFor(endpoint), body, signal },
        auth,
      ),
  };
}
