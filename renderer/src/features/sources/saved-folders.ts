/**
 * Remembers the folders chosen for a repository in the page's own storage, so a reload or the
 * next start of the app offers them again. Plans (sources + target + schedule, saved by the
 * host) will replace this; until then it is only a convenience, never the source of truth.
 */
const key = (location: string) => `cairn.folders.${location}`;

export function loadFolders(location: string): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key(location)) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function saveFolders(location: string, folders: string[]): void {
  try {
    localStorage.setItem(key(location), JSON.stringify(folders));
  } catch {
    // Storage may be full or disabled; the folders still work for this session.
  }
}
