/**
 * Sends one HTTP request over node:http/https with keep-alive agents. Node 20's built-in fetch
 * spent ~40 ms per 150 KB page on loopback where node:http takes ~6 ms, and a source's speed is
 * meant to be set by the API, not by the client. Redirects are followed (at most 5; a 303 or a
 * POST→GET change drops the body, as browsers do). Credentials are for the origin they were
 * sent to: a redirect to another origin goes there without them, and one that would carry a
 * secret in its body there (a 307/308 of a token request) is refused.
 */
import http from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** What in this request is a credential, kept from any other origin a redirect leads to. */
  credentials?: RequestCredentials;
}

export interface RequestCredentials {
  /** Header names (lower case); `authorization` is always one. */
  headers: string[];
  /** Query parameter names, removed from a redirect's target too (a server may echo them). */
  query: string[];
  /** The body carries a secret (client_secret in a token form). */
  secretInBody: boolean;
  /** Whether a text holds a known secret: such a query value in a target is removed too. */
  containsSecret: (text: string) => boolean;
}

/** A redirect that would resend a secret-carrying body to another origin. */
export class CrossOriginRedirectError extends Error {
  constructor(readonly target: string) {
    super(`redirected to another origin (${target}) with a secret in the request body; refused`);
    this.name = 'CrossOriginRedirectError';
  }
}

export interface TransportResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: AsyncIterable<Buffer>;
  /** Drops the rest of the body and the connection. */
  cancel(): void;
}

const MAX_REDIRECTS = 5;

export class NodeHttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(maxSockets: number) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  }

  async send(url: URL, request: TransportRequest): Promise<TransportResponse> {
    let current = url;
    let { method, body, headers } = request;
    for (let redirects = 0; ; redirects++) {
      const response = await this.once(current, { ...request, method, body, headers });
      const location = response.headers.get('location');
      if (
        response.status < 300 ||
        response.status >= 400 ||
        location === null ||
        redirects >= MAX_REDIRECTS
      ) {
        return response;
      }
      response.cancel();
      current = new URL(location, current);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      if (current.origin !== url.origin) {
        if (body !== undefined && request.credentials?.secretInBody) {
          throw new CrossOriginRedirectError(current.origin);
        }
        headers = withoutCredentials(headers, current, request.credentials);
      }
    }
  }

  private once(url: URL, request: TransportRequest): Promise<TransportResponse> {
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined)
      headers['content-length'] = String(Buffer.byteLength(request.body));
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? https : http).request(url, {
        method: request.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
        signal: request.signal,
      });
      outgoing.on('error', reject);
      outgoing.on('response', (incoming) => {
        const flat = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) flat.append(name, v);
        }
        resolve({
          status: incoming.statusCode ?? 0,
          statusText: incoming.statusMessage ?? '',
          headers: flat,
          body: incoming,
          cancel: () => incoming.destroy(),
        });
      });
      outgoing.end(request.body);
    });
  }
}

/** The headers left for another origin; the credential query parameters leave `target` too. */
function withoutCredentials(
  headers: Record<string, string>,
  target: URL,
  credentials: RequestCredentials | undefined,
): Record<string, string> {
  const drop = new Set(['authorization', 'cookie', ...(credentials?.headers ?? [])]);
  for (const name of credentials?.query ?? []) target.searchParams.delete(name);
  for (const [name, value] of [...target.searchParams]) {
    if (credentials?.containsSecret(value)) target.searchParams.delete(name, value);
  }
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())),
  );
}
