/**
 * One HTTP request at a time, as the WebDAV and REST targets need them: node:http(s) with
 * keep-alive sockets, an upload streamed from an UploadBody with its exact Content-Length,
 * a timeout on a stalled socket, and a response body checked against its Content-Length so a
 * connection cut mid-answer is a transient fault, never a short file taken for a whole one.
 */
import http, { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { StoreError } from './remote-store.js';
import type { RemoteTargetOptions } from './remote-target.js';
import type { UploadBody } from './upload-body.js';

/** Options of the targets that speak HTTP (WebDAV, REST, S3). */
export interface HttpStoreOptions extends RemoteTargetOptions {
  /** A socket silent this long is given up and the request retried (default 60 s). */
  timeoutMs?: number;
}

export interface HttpCredentials {
  user: string;
  password: string;
}

export interface HttpRequest {
  method: string;
  /** Absolute URL (already percent-encoded). */
  url: string;
  headers?: Record<string, string>;
  body?: UploadBody | Buffer;
  /** Where an answer of up to its size is put (see ByteRange.into). */
  into?: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpTransportOptions {
  /** Sockets kept per host (uploads and downloads in flight). */
  maxSockets: number;
  /** A socket silent this long is given up (transient). */
  timeoutMs: number;
  credentials?: HttpCredentials;
}

/** What the REST and WebDAV targets say when the server refuses their credentials. */
export const HTTP_CREDENTIALS_HINT =
  'set CAIRN_TARGET_USER and CAIRN_TARGET_PASSWORD, or put user:password@ in the location';

/** The transport of a REST or WebDAV location: room for its uploads plus a few reads. */
export function transportFor(
  location: { credentials?: HttpCredentials | undefined },
  options: HttpStoreOptions,
  uploads: number,
): HttpTransport {
  return new HttpTransport({
    maxSockets: uploads + 4,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(location.credentials ? { credentials: location.credentials } : {}),
  });
}

export class HttpTransport {
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly authorization: string | undefined;

  constructor(private readonly options: HttpTransportOptions) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
    this.agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
    const c = options.credentials;
    this.authorization = c
      ? `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`
      : undefined;
  }

  /** Sends the request; any status is an answer, only a failed exchange throws (transient). */
  request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { ...req.headers };
    if (this.authorization) headers.authorization = this.authorization;
    const body = req.body;
    if (body) headers['content-length'] = String(Buffer.isBuffer(body) ? body.length : body.size);
    return new Promise<HttpResponse>((resolve, reject) => {
      const client = (secure ? https : http).request(
        url,
        { method: req.method, headers, agent: secure ? this.agents.https : this.agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          let received = 0;
          // With its length known, the body is copied once into its own buffer as it arrives
          // (a restore's 2 MiB ranges), rather than kept in pieces and joined at the end.
          const declared = Number(res.headers['content-length'] ?? NaN);
          const whole =
            req.method === 'HEAD' || !(declared > 0)
              ? undefined
              : req.into && declared <= req.into.length
                ? req.into.subarray(0, declared)
                : declared > 64 * 1024 && declared <= 64 * 1024 * 1024
                  ? Buffer.allocUnsafe(declared)
                  : undefined;
          res.on('data', (chunk: Buffer) => {
            if (whole && received + chunk.length <= whole.length) whole.set(chunk, received);
            else chunks.push(chunk);
            received += chunk.length;
          });
          res.on('error', (err) => reject(networkFault(err)));
          res.on('aborted', () =>
            reject(new StoreError('transient', 'connection closed mid-answer')),
          );
          res.on('end', () => {
            const expected = res.headers['content-length'];
            if (
              req.method !== 'HEAD' &&
              expected !== undefined &&
              res.statusCode !== 304 &&
              Number(expected) !== received
            ) {
              reject(
                new StoreError('transient', `answer cut short (${received} of ${expected} bytes)`),
              );
              return;
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: whole && received === whole.length ? whole : Buffer.concat(chunks),
            });
          });
        },
      );
      client.setTimeout(this.options.timeoutMs, () => {
        client.destroy(
          Object.assign(new Error(`no answer for ${this.options.timeoutMs / 1000} s`), {
            code: 'ETIMEDOUT',
          }),
        );
      });
      client.on('error', (err) => reject(networkFault(err)));
      if (!body) client.end();
      else if (Buffer.isBuffer(body)) client.end(body);
      // A server may answer (401, 507) before it has read the whole body and close the
      // socket: the answer then wins, and a failure without one arrives as the request's error.
      else pipeline(body.stream(), client).catch(() => undefined);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** "503 Service Unavailable". */
export function statusText(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

/**
 * The fault an HTTP status means, for statuses that are not the answer a caller expected:
 * 404 not-found, 401 credentials, 403 forbidden, 412 exists, 501 unsupported, 408/429/5xx
 * transient (with Retry-After), anything else fatal.
 */
export function statusFault(res: HttpResponse, what = ''): StoreError {
  const reason = `${statusText(res.status)}${what ? ` ${what}` : ''}`;
  switch (res.status) {
    case 404:
      return new StoreError('not-found', reason);
    case 401:
      return new StoreError('credentials', reason);
    case 403:
      return new StoreError('forbidden', reason);
    case 412:
      return new StoreError('exists', reason);
    case 501:
      return new StoreError('unsupported', reason);
  }
  // 423 Locked: a WebDAV server holds the name for another client's request right now (rclone
  // answers a MOVE onto a name another MOVE is placing with it); once that is done, the retry
  // sees the outcome (412 where that client created the name).
  if (res.status === 408 || res.status === 423 || res.status === 429 || res.status >= 500) {
    return new StoreError('transient', reason, { retryAfterMs: retryAfterMs(res.headers) });
  }
  return new StoreError('fatal', reason);
}

function retryAfterMs(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['retry-after'];
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EAI_AGAIN: 'name lookup failed for now',
};

/** A failed exchange: transient, except a host name that does not resolve. */
export function networkFault(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as NodeJS.ErrnoException & { hostname?: string };
  if (e.code === 'ENOTFOUND') {
    return new StoreError('fatal', `host ${e.hostname ?? ''} not found`.replace('  ', ' '), {
      cause: err,
    });
  }
  if (e.code?.includes('CERT')) {
    return new StoreError('fatal', `TLS certificate refused (${e.message})`, { cause: err });
  }
  const reason =
    (e.code && NETWORK_REASONS[e.code]) ||
    (e.message === 'socket hang up' ? 'connection closed' : e.message);
  return new StoreError('transient', reason, { cause: err });
}

/** The HTTP `Range` value for `length` bytes from `offset` (the last byte is inclusive). */
export function byteRange(range: { offset: number; length: number }): string {
  return `bytes=${range.offset}-${range.offset + range.length - 1}`;
}
