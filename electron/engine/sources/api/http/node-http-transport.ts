/**
 * Sends one HTTP request over node:http/https with keep-alive agents. Node 20's built-in fetch
 * spent ~40 ms per 150 KB page on loopback where node:http takes ~6 ms, and a source's speed is
 * meant to be set by the API, not by the client. Redirects are followed (at most 5; a 303 or a
 * POST→GET change drops the body, as browsers do).
 */
import http from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
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
    let { method, body } = request;
    for (let redirects = 0; ; redirects++) {
      const response = await this.once(current, { ...request, method, body });
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
