/** Credentials that do not change during a run: bearer token, Basic, API key. */
import type { Authenticator, OutgoingRequest } from './authenticator.js';

function fixed(apply: (request: OutgoingRequest) => void): Authenticator {
  return {
    apply: async (request) => apply(request),
    refreshAfterUnauthorized: async () => false,
  };
}

export function bearerAuthenticator(token: string): Authenticator {
  return fixed((request) => {
    request.headers['authorization'] = `Bearer ${token}`;
  });
}

export function basicAuthenticator(username: string, password: string): Authenticator {
  const encoded = Buffer.from(`${username}:${password}`).toString('base64');
  return fixed((request) => {
    request.headers['authorization'] = `Basic ${encoded}`;
  });
}

export function apiKeyAuthenticator(
  where: 'header' | 'query',
  name: string,
  value: string,
): Authenticator {
  return fixed((request) => {
    if (where === 'header') request.headers[name.toLowerCase()] = value;
    else request.url.searchParams.set(name, value);
  });
}
