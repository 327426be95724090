/**
 * Each API snapshot keeps the source's definition beside its records, as
 * `/api/<source>/source.json`, so that the records can be put back into the API on the day the
 * definition file is gone with the laptop that held it (`restore-api` without `--api`).
 *
 * Secrets stay out: references (`env:`, `file:`, `keychain:`) are kept as they are, since they
 * name where the secret lives, not the secret; a secret written into the definition itself is
 * replaced by a marker, and a restore that would need it asks for `--target-secret`.
 */
import { prettyDefinitionJson } from './definition-json.js';
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
  return `${prettyDefinitionJson(stored)}\n`;
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

/**
 * Where a secret is written into the definition itself instead of named by a reference: the
 * auth's secret ("auth.token") and credential-like headers ("headers.X-Api-Key",
 * "endpoints.tasks.headers.Authorization") — exactly what storedDefinitionText would remove.
 */
export function inlineSecrets(definition: SourceDefinition): string[] {
  const found: string[] = [];
  const inline = (value: string | undefined) => value !== undefined && !isSecretReference(value);
  const secret = authSecret(definition.auth);
  if (secret !== null && inline(secret.value)) found.push(`auth.${secret.field}`);
  const headers = (where: string, list: Record<string, string> | undefined) => {
    for (const [name, value] of Object.entries(list ?? {}))
      if (SECRET_HEADER.test(name) && inline(value)) found.push(`${where}headers.${name}`);
  };
  headers('', definition.headers);
  for (const e of definition.endpoints) headers(`endpoints.${e.name}.`, e.headers);
  return found;
}

function authSecret(auth: AuthDefinition): { field: string; value: string } | null {
  switch (auth.type) {
    case 'none':
      return null;
    case 'bearer':
      return { field: 'token', value: auth.token };
    case 'basic':
      return { field: 'password', value: auth.password };
    case 'apiKey':
      return { field: 'value', value: auth.value };
    case 'oauth2-client-credentials':
      return { field: 'clientSecret', value: auth.clientSecret };
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
