/**
 * Sends a source's requests within its limits — requests in flight, requests per second, a
 * timeout per request and a response-size bound — retries what can succeed on a later try, and
 * turns every failure into an ApiRequestError whose message carries a redacted URL.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeUtf8 } from '../../../util/decode-utf8.js';
import { noAuthentication, type Authenticator } from '../auth/authenticator.js';
import { canonicalJson } from '../canonical-json.js';
import { JsonDepthError, parseJson } from '../parse-json.js';
import type { SecretRedactor } from '../secret-redactor.js';
import { ApiRequestError } from './api-request-error.js';
import { Semaphore } from '../../../util/concurrency.js';
import {
  CrossOriginRedirectError,
  NodeHttpTransport,
  type RequestCredentials,
  type TransportResponse,
} from './node-http-transport.js';
import { RequestRateLimiter } from './request-rate-limiter.js';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
} from './retry-policy.js';

export interface HttpLimits {
  concurrency: number;
  requestsPerSecond?: number;
  timeoutMs: number;
  maxResponseBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  concurrency: 4,
  timeoutMs: 30_000,
  maxResponseBytes: 64 << 20,
};

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** JSON body, or a form for token requests. */
  body?: unknown;
  form?: URLSearchParams;
  /** For token requests only (see requestJson). */
  outsideConcurrencyLimit?: boolean;
  /**
   * Gives up on this one request (a page fetched ahead that turned out to be past the end):
   * while it waits for its turn it is never sent; once sent it is dropped. It ends with a
   * 'cancelled' error.
   */
  signal?: AbortSignal;
  /**
   * For a write that must not happen twice (restore-api): asked before trying again after a
   * failure the server may have acted on (a dropped connection, a timeout, an HTTP 500); false
   * gives up with that failure. A 429, 502, 503 or 504 says the request was not acted on and is
   * always tried again. Unset: every retryable failure is tried again (reads).
   */
  mayResend?: (failure: ApiRequestError) => Promise<boolean>;
}

export interface ApiResponse {
  /** The URL that was requested (relative URLs in the body resolve against it). */
  url: string;
  status: number;
  headers: Headers;
  body: unknown;
}

export interface ApiHttpClientOptions {
  limits?: Partial<HttpLimits>;
  retry?: Partial<RetryPolicy>;
  redactor: SecretRedactor;
  signal?: AbortSignal;
}

export class ApiHttpClient {
  readonly limits: HttpLimits;
  private readonly retry: RetryPolicy;
  private readonly gate: Semaphore;
  private readonly rate: RequestRateLimiter;
  private readonly transport: NodeHttpTransport;
  private sent = 0;

  constructor(private readonly options: ApiHttpClientOptions) {
    this.limits = { ...DEFAULT_HTTP_LIMITS, ...stripUndefined(options.limits ?? {}) };
    this.retry = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options.retry ?? {}) };
    this.gate = new Semaphore(this.limits.concurrency);
    this.rate = new RequestRateLimiter(this.limits.requestsPerSecond);
    // One socket more than the limit, for token requests that bypass the concurrency gate.
    this.transport = new NodeHttpTransport(this.limits.concurrency + 1);
  }

  /** Requests sent so far, retries included. */
  get requestCount(): number {
    return this.sent;
  }

  redactUrl(url: string): string {
    return this.options.redactor.redact(url);
  }

  async requestJson(
    request: ApiRequest,
    auth: Authenticator = noAuthentication,
  ): Promise<ApiResponse> {
    let refreshedAuth = false;
    for (let attempt = 1; ; attempt++) {
      this.throwIfCancelled(request);
      try {
        // A token request skips the concurrency gate: the requests holding every slot may be
        // the very ones waiting for that token.
        if (request.outsideConcurrencyLimit) return await this.attempt(request, auth);
        return await this.gate.use(() => this.attempt(request, auth), request.signal);
      } catch (err) {
        if (!(err instanceof ApiRequestError)) {
          this.throwIfCancelled(request); // the gate gave up on a request whose signal aborted
          throw err;
        }
        const failure = err;
        if (failure.kind === 'auth' && failure.options.status === 401 && !refreshedAuth) {
          refreshedAuth = true;
          if (await auth.refreshAfterUnauthorized()) {
            attempt--; // a refreshed token is a new start, not a failed try
            continue;
          }
        }
        if (!failure.retryable) throw failure;
        if (request.mayResend && mayHaveActed(failure) && !(await request.mayResend(failure)))
          throw new ApiRequestError(failure.kind, failure.message, failure.url, {
            ...failure.options,
            retryable: false,
          });
        if (attempt >= this.retry.maxAttempts) {
          throw new ApiRequestError(
            failure.kind,
            `${failure.message} (gave up after ${attempt} attempts)`,
            failure.url,
            { ...failure.options, retryable: false },
          );
        }
        const retryAfter = failure.options.retryAfterMs;
        if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) {
          throw new ApiRequestError(
            failure.kind,
            `${failure.message}; the server asks to wait ${Math.ceil(retryAfter / 1000)} s, longer than Cairn waits`,
            failure.url,
            { ...failure.options, retryable: false },
          );
        }
        const delay = retryAfter ?? backoffDelayMs(this.retry, attempt);
        // A 429 is about the whole source: every request holds back, not only this one.
        if (failure.kind === 'rate-limited') this.rate.pauseFor(delay);
        await sleep(delay, undefined, { signal: this.signalFor(request) }).catch(() => undefined);
      }
    }
  }

  private signalFor(request: ApiRequest): AbortSignal | undefined {
    const signals = [this.options.signal, request.signal].filter((s) => s !== undefined);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  private throwIfCancelled(request: ApiRequest): void {
    if (this.options.signal?.aborted || request.signal?.aborted) {
      throw new ApiRequestError('cancelled', 'cancelled', this.redactUrl(request.url));
    }
  }

  private async attempt(request: ApiRequest, auth: Authenticator): Promise<ApiResponse> {
    await this.rate.acquire(this.signalFor(request)).catch(() => undefined);
    this.throwIfCancelled(request);
    const url = new URL(request.url);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    const before = {
      headers: new Set(Object.keys(headers)),
      query: new Set(url.searchParams.keys()),
    };
    await auth.apply({ url, headers }, this.options.signal);
    const shownUrl = this.redactUrl(request.url);
    const label = `${request.method} ${shownUrl}`;
    let body: string | undefined;
    if (request.form) {
      body = request.form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (request.body !== undefined) {
      // canonicalJson writes a JsonNumber (an exact bookmark) as the number it is.
      body = canonicalJson(request.body);
      headers['content-type'] = 'application/json';
    }

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.limits.timeoutMs);
    const signals = [timeout.signal, this.options.signal, request.signal].filter(
      (s) => s !== undefined,
    );
    this.sent++;
    try {
      let response: TransportResponse;
      try {
        response = await this.transport.send(url, {
          method: request.method,
          headers,
          body,
          signal: AbortSignal.any(signals),
          credentials: this.credentialsOf(url, headers, body, before),
        });
      } catch (err) {
        if (err instanceof CrossOriginRedirectError) {
          throw new ApiRequestError('cross-origin', `${label}: ${err.message}`, shownUrl);
        }
        throw this.transportError(err, request, label, shownUrl, timeout.signal);
      }
      let text: string;
      try {
        text = await this.readBody(response, label, shownUrl);
      } catch (err) {
        if (err instanceof ApiRequestError) throw err;
        throw this.transportError(err, request, label, shownUrl, timeout.signal);
      }
      this.checkStatus(response, label, shownUrl);
      let parsed: unknown;
      try {
        // Numbers stay exactly as the API wrote them (parse-json.ts).
        parsed = text.length === 0 ? null : parseJson(text);
      } catch (err) {
        if (err instanceof JsonDepthError) {
          throw new ApiRequestError('shape', `${label}: the response ${err.message}`, shownUrl);
        }
        throw new ApiRequestError(
          'malformed',
          `${label}: the response is not valid JSON (${(err as Error).message})`,
          shownUrl,
        );
      }
      return { url: request.url, status: response.status, headers: response.headers, body: parsed };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * What a redirect to another origin must not carry: what the authenticator added, and any
   * header, query parameter or body holding a known secret (a header from a secret reference).
   */
  private credentialsOf(
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    before: { headers: Set<string>; query: Set<string> },
  ): RequestCredentials {
    const redactor = this.options.redactor;
    return {
      headers: Object.entries(headers)
        .filter(([name, value]) => !before.headers.has(name) || redactor.containsSecret(value))
        .map(([name]) => name.toLowerCase()),
      query: [...url.searchParams]
        .filter(([name, value]) => !before.query.has(name) || redactor.containsSecret(value))
        .map(([name]) => name),
      secretInBody: body !== undefined && redactor.containsSecret(body),
      containsSecret: (text) => redactor.containsSecret(text),
    };
  }

  private transportError(
    err: unknown,
    request: ApiRequest,
    label: string,
    shownUrl: string,
    timeout: AbortSignal,
  ): ApiRequestError {
    if (this.options.signal?.aborted || request.signal?.aborted)
      return new ApiRequestError('cancelled', 'cancelled', shownUrl);
    if (timeout.aborted) {
      return new ApiRequestError(
        'timeout',
        `${label}: no complete answer within ${this.limits.timeoutMs} ms`,
        shownUrl,
        {
          retryable: true,
        },
      );
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (err as NodeJS.ErrnoException).code ??
      cause?.code ??
      cause?.message ??
      (err as Error).message;
    return new ApiRequestError(
      'network',
      `${label}: ${this.options.redactor.redact(String(why))}`,
      shownUrl,
      {
        retryable: true,
      },
    );
  }

  private checkStatus(response: TransportResponse, label: string, shownUrl: string): void {
    const status = response.status;
    if (status >= 200 && status < 300) return;
    const what = `${label}: HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (status === 429) {
      throw new ApiRequestError('rate-limited', what, shownUrl, {
        status,
        retryable: true,
        retryAfterMs,
      });
    }
    if (status === 401 || status === 403) {
      throw new ApiRequestError('auth', `${what} (the API refused the credentials)`, shownUrl, {
        status,
      });
    }
    if (status >= 500 || status === 408) {
      throw new ApiRequestError('http', what, shownUrl, { status, retryable: true, retryAfterMs });
    }
    throw new ApiRequestError('http', what, shownUrl, { status });
  }

  private async readBody(
    response: TransportResponse,
    label: string,
    shownUrl: string,
  ): Promise<string> {
    const max = this.limits.maxResponseBytes;
    const tooLarge = () =>
      new ApiRequestError(
        'too-large',
        `${label}: the response is larger than the limit of ${max} bytes`,
        shownUrl,
      );
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > max) {
      response.cancel();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > max) {
        response.cancel();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
    return decodeUtf8(Buffer.concat(chunks, size));
  }
}

/** Whether the server may have carried out a request that failed this way. */
function mayHaveActed(failure: ApiRequestError): boolean {
  if (failure.kind === 'rate-limited') return false;
  const status = failure.options.status;
  return !(status === 502 || status === 503 || status === 504);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
