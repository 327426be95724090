/**
 * A remote repository's credentials as the app keeps them: each secret (a password, a secret
 * key) goes into the OS keychain once, under an entry named after the location, and from then
 * on only its `keychain:` reference travels — to the engine, and back to the UI, which may
 * remember references (never secrets) with the location. Where no keychain can be used the
 * secret stays in this session's memory only, and the UI is told it was not remembered:
 * Cairn never writes a secret anywhere in plain text.
 *
 * A reference from the UI must be one of these entries for the same location: a page may not
 * point the engine at an environment variable or a file (`env:`, `file:`), which would send
 * that value to whatever server the location names.
 */
import { createHash } from 'node:crypto';
import type { SecretsKept } from '../../shared/contract.js';
import {
  secretTargetSettings,
  type TargetSecretName,
  type TargetSecrets,
} from '../../shared/targets.js';
import type { EngineService } from '../engine/service-types.js';
import { ContractFailure } from './to-contract-error.js';

const referencePrefixes = ['keychain:', 'env:', 'file:'];

export function keychainEntry(location: string, name: TargetSecretName): string {
  const hash = createHash('sha256').update(location).digest('hex').slice(0, 16);
  return `repository-${hash}-${name}`;
}

export interface KeptSecrets {
  /** For the engine: references, or, without a keychain, the secrets themselves. */
  forEngine: TargetSecrets;
  kept: SecretsKept;
}

export async function keepSecrets(
  engine: EngineService,
  location: string,
  given: TargetSecrets | undefined,
  /** False for a connection test: the secrets are used, not stored. */
  remember = true,
): Promise<KeptSecrets> {
  const forEngine: TargetSecrets = {};
  const kept: SecretsKept = { references: {}, remembered: true };
  for (const [key, value] of Object.entries(given ?? {})) {
    const name = key as TargetSecretName;
    if (value === undefined || value === '') continue;
    const own = `keychain:${keychainEntry(location, name)}`;
    if (value === own) {
      forEngine[name] = value;
      kept.references[name] = value;
      continue;
    }
    if (referencePrefixes.some((p) => value.startsWith(p))) {
      throw new ContractFailure(
        'invalid-argument',
        `${name} cannot be a reference here; enter the value itself`,
      );
    }
    if (!remember || !secretTargetSettings.includes(name)) {
      forEngine[name] = value;
      kept.references[name] = value;
      continue;
    }
    try {
      await engine.storeSecret(keychainEntry(location, name), value);
      forEngine[name] = own;
      kept.references[name] = own;
    } catch {
      // No keychain here: this session only, and the UI says so.
      forEngine[name] = value;
      kept.remembered = false;
    }
  }
  return { forEngine, kept };
}
