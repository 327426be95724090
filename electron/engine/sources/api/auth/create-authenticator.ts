/** Builds a source's authenticator from its definition, resolving every secret reference. */
import { isSecretReference } from '../../../credentials/secret-reference.js';
import type { AuthDefinition } from '../source-definition.js';
import type { SecretRedactor } from '../secret-redactor.js';
import type { Authenticator } from './authenticator.js';
import { noAuthentication } from './authenticator.js';
import {
  OAuth2ClientCredentialsAuthenticator,
  type TokenRequester,
} from './oauth2-client-credentials.js';
import {
  apiKeyAuthenticator,
  basicAuthenticator,
  bearerAuthenticator,
} from './static-authenticators.js';

export interface AuthenticatorDeps {
  resolveSecret: (value: string) => Promise<string>;
  redactor: SecretRedactor;
  requestToken: TokenRequester;
}

export async function createAuthenticator(
  auth: AuthDefinition,
  deps: AuthenticatorDeps,
): Promise<Authenticator> {
  const { redactor } = deps;
  const secret = async (value: string) => {
    const resolved = await deps.resolveSecret(value);
    redactor.add(resolved);
    return resolved;
  };
  switch (auth.type) {
    case 'none':
      return noAuthentication;
    case 'bearer':
      return bearerAuthenticator(await secret(auth.token));
    case 'basic': {
      // A user name is not secret in itself, but one kept in the keychain is treated as one.
      const username = isSecretReference(auth.username)
        ? await secret(auth.username)
        : auth.username;
      const password = await secret(auth.password);
      redactor.addBasicCredentials(username, password);
      return basicAuthenticator(username, password);
    }
    case 'apiKey':
      return apiKeyAuthenticator(auth.in, auth.name, await secret(auth.value));
    case 'oauth2-client-credentials': {
      const clientId = isSecretReference(auth.clientId)
        ? await secret(auth.clientId)
        : auth.clientId;
      const clientSecret = await secret(auth.clientSecret);
      redactor.addBasicCredentials(encodeURIComponent(clientId), encodeURIComponent(clientSecret));
      return new OAuth2ClientCredentialsAuthenticator(
        {
          tokenUrl: auth.tokenUrl,
          clientId,
          clientSecret,
          scopes: auth.scopes,
          clientAuthentication: auth.clientAuthentication,
        },
        deps.requestToken,
        (token) => redactor.add(token),
      );
    }
  }
}
