/**
 * Credentials for a remote target handed over by a host (the app) instead of through the
 * process environment. Each is named as the CLI's environment variable for it (README "Remote
 * targets"), and each value may be a secret reference (`keychain:ENTRY`, `env:NAME`,
 * `file:PATH`) resolved only when the target is opened, so the app can keep references, never
 * secrets, in what it stores.
 */
import {
  targetSecretNames,
  type TargetSecretName,
  type TargetSecrets,
} from '../../../shared/targets.js';
import { resolveSecret } from '../credentials/secret-reference.js';

export const TARGET_SECRET_NAMES = targetSecretNames;
export type { TargetSecretName, TargetSecrets };

/** The environment a target opens with: the process's, with the resolved secrets over it. */
export async function targetEnvironment(
  secrets: TargetSecrets | undefined,
): Promise<Record<string, string | undefined>> {
  if (!secrets) return process.env;
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of TARGET_SECRET_NAMES) {
    const value = secrets[name];
    if (value !== undefined && value !== '') env[name] = await resolveSecret(value);
  }
  return env;
}
