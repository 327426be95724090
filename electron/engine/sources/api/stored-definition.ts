/**
 * Each API snapshot keeps the source's definition beside its records, as
 * `/api/<source>/source.json`, so that the records can be put back into the API on the day the
 * definition file is gone with the laptop that held it (`restore-api` without `--api`).
 *
 * Secrets stay out: references (`env:`, `file:`, `keychain:`) are kept as they are, since they
 * name where the secret lives, not the secret; a secret written into the definition itself is
 * replaced by a marker, and a restore that would need it asks for `--target-secret`.
 */
import { isSecretReference } from '../../credentials/secret-reference.js';
import { CairnError } from '../../errors.js';
import type { AuthDefinition, SourceDefinition } from './source-definition.js';

export const STORED_DEFINITION = 'source.json';

/** What stands in for a secret that was written into the definition itself. */
export const REMOVED_SECRET = 'removed:written-in-the-definition';

/** Headers that carry credentials by name; others (Accept, a version header) are kept. */
const SECRET_HEADER = /auth|key|token|secret|cookie|session|password|signature/i;

export function storedDefinitionText(definition: SourceDefinition): string {
  const keep = (value: string) => (isSecretReference(value) ? value : REMOVED_SECRET);
  const scrub = (headers: Record<string, string> | undefined) =>
    headers &&
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        SECRET_HEADER.test(name) ? keep(value) : value,
      ]),
    );
  const stored: SourceDefinition = {
    ...definition,
    auth: withoutSecrets(definition.auth, keep),
    endpoints: definition.endpoints.map((e) =>
      e.headers ? { ...e, headers: scrub(e.headers) } : e,
    ),
  };
  if (definition.headers) stored.headers = scrub(definition.headers);
  return `${JSON.stringify(stored, null, 2)}\n`;
}

function withoutSecrets(auth: AuthDefinition, keep: (v: string) => string): AuthDefinition {
  switch (auth.type) {
    case 'none':
      return auth;
    case 'bearer':
      return { ...auth, token: keep(auth.token) };
    case 'basic':
      return { ...auth, password: keep(auth.password) }; // a user name is no secret
    case 'apiKey':
      return { ...auth, value: keep(auth.value) };
    case 'oauth2-client-credentials':
      return { ...auth, clientSecret: keep(auth.clientSecret) }; // nor is a client id
  }
}

/** Refuses, in one line, a definition still holding a marker where a secret is needed. */
export function assertSecretsKept(definition: SourceDefinition): void {
  const values = [
    ...Object.values(definition.auth).filter((v): v is string => typeof v === 'string'),
    ...Object.values(definition.headers ?? {}),
    ...definition.endpoints.flatMap((e) => Object.values(e.headers ?? {})),
  ];
  if (values.includes(REMOVED_SECRET))
    throw new CairnError(
      'invalid-argument',
      `the definition of ${definition.name} kept in the snapshot had a secret written into it, which Cairn does not keep; give it with --target-secret, or name the definition file with --api`,
    );
}

/**
 * Where a definition holds a secret written in clear rather than named by reference
 * ("auth.token", "headers.X-Api-Key"): a definition Cairn keeps as a file of its own must name
 * none, since the file is not a secret store.
 */
export function writtenSecrets(definition: SourceDefinition): string[] {
  const found: string[] = [];
  const check = (where: string, value: string) => {
    if (!isSecretReference(value)) found.push(where);
  };
  const auth = definition.auth;
  if (auth.type === 'bearer') check('auth.token', auth.token);
  if (auth.type === 'basic') check('auth.password', auth.password);
  if (auth.type === 'apiKey') check('auth.value', auth.value);
  if (auth.type === 'oauth2-client-credentials') check('auth.clientSecret', auth.clientSecret);
  const headers = (where: string, list: Record<string, string> | undefined) => {
    for (const [name, value] of Object.entries(list ?? {}))
      if (SECRET_HEADER.test(name)) check(`${where}headers.${name}`, value);
  };
  headers('', definition.headers);
  for (const endpoint of definition.endpoints)
    headers(`endpoints.${endpoint.name}.`, endpoint.headers);
  return found;
}
