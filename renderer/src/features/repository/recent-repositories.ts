/**
 * Locations of repositories opened before (never passwords), newest first, so the connect
 * screen can offer them with one click; and for a remote one, what the host handed back for
 * its credentials: `keychain:` references and settings (region, key file), never a secret.
 */
import type { TargetSecrets } from '../../../../shared/targets';

const key = 'cairn.recent-repositories';
const referencesKey = 'cairn.repository-credential-references';
const kept = 5;

export function recentRepositories(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberRepository(location: string): void {
  try {
    const list = [location, ...recentRepositories().filter((l) => l !== location)].slice(0, kept);
    localStorage.setItem(key, JSON.stringify(list));
  } catch {
    // Without storage there is simply nothing to offer next time.
  }
}

export function rememberedReferences(location: string): TargetSecrets | undefined {
  try {
    const all: unknown = JSON.parse(localStorage.getItem(referencesKey) ?? '{}');
    if (typeof all !== 'object' || all === null) return undefined;
    const found: unknown = (all as Record<string, unknown>)[location];
    return typeof found === 'object' && found !== null ? (found as TargetSecrets) : undefined;
  } catch {
    return undefined;
  }
}

/** Only references the host gave back: it keeps the secrets themselves in the OS keychain. */
export function rememberReferences(location: string, references: TargetSecrets): void {
  try {
    const all = JSON.parse(localStorage.getItem(referencesKey) ?? '{}') as Record<
      string,
      TargetSecrets
    >;
    if (Object.keys(references).length === 0) delete all[location];
    else all[location] = references;
    localStorage.setItem(referencesKey, JSON.stringify(all));
  } catch {
    // Without storage the person enters the credentials again next time.
  }
}
