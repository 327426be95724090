/**
 * Everything a run against one source shares: resolved secrets, the redactor that keeps them out
 * of messages, the authenticator and the HTTP client holding the source's limits.
 *
 * Every secret reference (auth, the source's headers, each endpoint's headers) is resolved when
 * the session opens, before any request: a missing one (an unset `env:` variable, a missing
 * keychain entry or `file:`) fails the whole run up front, naming it, instead of failing
 * endpoint after endpoint into an incomplete snapshot.
 */
import { CairnError, errorMessage } from '../../errors.js';
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
  const resolveReference =
    options.resolveSecret ?? ((value: string) => resolveSecretReference(value));
  const resolve = async (value: string) => {
    try {
      return await resolveReference(value);
    } catch (err) {
      // The resolver names the reference (`secret env:NAME: …`), never a value.
      throw new CairnError(
        err instanceof CairnError ? err.kind : 'failure',
        `API source ${definition.name}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  };
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
  for (const endpoint of definition.endpoints) {
    endpointHeaders.set(endpoint.name, {
      ...sourceHeaders,
      ...(await resolveHeaders(endpoint.headers)),
    });
  }
  const headersFor = async (endpoint: EndpointDefinition) =>
    endpointHeaders.get(endpoint.name) ?? sourceHeaders;
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

/**
 * Resolves every secret reference of a definition and forgets them again: fails, naming the
 * reference, when one cannot be resolved. Sends nothing.
 */
export async function checkSourceSecrets(
  definition: SourceDefinition,
  options: Pick<ApiSourceSessionOptions, 'resolveSecret'> = {},
): Promise<void> {
  await openApiSourceSession(definition, options);
}
