/**
 * A source's credentials are for the origin of its `baseUrl` (scheme, host and port) alone. A
 * `next` URL or `Link` header on another origin would receive them (an API key may even be
 * echoed in its query) and hand back records from a host the user never trusted, so with
 * credentials such a next page is refused. Without any, following it is harmless.
 */
import { ApiRequestError } from './http/api-request-error.js';
import type { ApiSourceSession } from './api-source-session.js';
import type { EndpointDefinition } from './source-definition.js';

/**
 * A check for each next page's URL, or undefined when the endpoint sends no credentials. The
 * failure line names the endpoint and the refused URL (describeEndpointFailure).
 */
export async function nextPageOriginCheck(
  session: ApiSourceSession,
  endpoint: EndpointDefinition,
): Promise<((url: string) => void) | undefined> {
  const headers = await session.headersFor(endpoint);
  const secretHeader = Object.values(headers).some((v) => session.redactor.containsSecret(v));
  if (session.definition.auth.type === 'none' && !secretHeader) return undefined;
  const trusted = new URL(session.definition.baseUrl).origin;
  return (url) => {
    const origin = new URL(url).origin;
    if (origin === trusted) return;
    throw new ApiRequestError(
      'cross-origin',
      `the next page is on ${origin}, not on the baseUrl's origin ${trusted}; stopped so the source's credentials are not sent there`,
      session.redactor.redact(url),
    );
  };
}
