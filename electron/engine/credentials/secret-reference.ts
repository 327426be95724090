/**
 * Secret references: where a secret is fetched from when it is needed, so that configuration and
 * source definitions never hold the secret itself.
 *   keychain:ENTRY  the OS keychain (service "cairn"), the desktop app's default
 *   env:NAME        an environment variable (scripts, servers without a keychain)
 *   file:PATH       a file's contents, trailing newline dropped
 * Any other string is a plain value, used as it is. Messages name the reference, never the value.
 */
import { promises as fs } from 'node:fs';
import { CairnError, errorMessage } from '../errors.js';
import { openKeychain, type Keychain } from './keychain.js';

export type SecretReference =
  | { kind: 'keychain'; entry: string }
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'plain' };

export function parseSecretReference(value: string): SecretReference {
  if (value.startsWith('keychain:')) return { kind: 'keychain', entry: value.slice(9) };
  if (value.startsWith('env:')) return { kind: 'env', name: value.slice(4) };
  if (value.startsWith('file:')) return { kind: 'file', path: value.slice(5) };
  return { kind: 'plain' };
}

export function isSecretReference(value: string): boolean {
  return parseSecretReference(value).kind !== 'plain';
}

export interface SecretResolverOptions {
  /** Defaults to the OS keychain, opened only when a keychain: reference is met. */
  keychain?: Keychain;
  env?: NodeJS.ProcessEnv;
}

export async function resolveSecret(
  value: string,
  options: SecretResolverOptions = {},
): Promise<string> {
  const reference = parseSecretReference(value);
  switch (reference.kind) {
    case 'plain':
      return value;
    case 'env': {
      const found = (options.env ?? process.env)[reference.name];
      if (found === undefined) {
        throw new CairnError(
          'invalid-argument',
          `secret ${value}: environment variable ${reference.name} is not set`,
        );
      }
      return found;
    }
    case 'file': {
      try {
        const text = await fs.readFile(reference.path, 'utf8');
        return text.replace(/\r?\n$/, '');
      } catch (err) {
        throw new CairnError(
          'invalid-argument',
          `secret ${value}: cannot read the file: ${errorMessage(err)}`,
        );
      }
    }
    case 'keychain': {
      const keychain = options.keychain ?? openKeychain();
      const found = await keychain.get(reference.entry);
      if (found === null) {
        throw new CairnError(
          'invalid-argument',
          `secret ${value}: the OS keychain has no entry "${reference.entry}" (add it with: cairn secret set ${reference.entry})`,
        );
      }
      return found;
    }
  }
}
