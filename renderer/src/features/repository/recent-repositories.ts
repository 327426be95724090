/**
 * The recent repositories an older Cairn kept in the browser's storage. They live with the
 * engine now (CAIRN_HOME/config.json, read through the contract), so this only reads the old
 * list once, for the host to take over, and then removes it.
 */
import type { RecentRepository } from '../../../../shared/contract';
import type { TargetSecrets } from '../../../../shared/targets';

const locationsKey = 'cairn.recent-repositories';
const referencesKey = 'cairn.repository-credential-references';

/** The old list, oldest last; null when there is none. */
export function legacyRecentRepositories(): RecentRepository[] | null {
  try {
    const stored = localStorage.getItem(locationsKey);
    if (stored === null) return null;
    const locations: unknown = JSON.parse(stored);
    const references: unknown = JSON.parse(localStorage.getItem(referencesKey) ?? '{}');
    if (!Array.isArray(locations)) return [];
    return locations
      .filter((l): l is string => typeof l === 'string' && l.trim() !== '')
      .map((location) => ({ location, credentials: referencesFor(references, location) }));
  } catch {
    return []; // unreadable: nothing to take over, and it is removed all the same
  }
}

export function forgetLegacyRecentRepositories(): void {
  try {
    localStorage.removeItem(locationsKey);
    localStorage.removeItem(referencesKey);
  } catch {
    // No storage: nothing to remove.
  }
}

function referencesFor(all: unknown, location: string): TargetSecrets {
  if (typeof all !== 'object' || all === null) return {};
  const found: unknown = (all as Record<string, unknown>)[location];
  if (typeof found !== 'object' || found === null) return {};
  return Object.fromEntries(
    Object.entries(found).filter(([, v]) => typeof v === 'string'),
  ) as TargetSecrets;
}
