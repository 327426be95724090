/**
 * The folders an older Cairn kept in the browser's storage, one list per repository under
 * `cairn.folders.<location>`. They live with the engine now (CAIRN_HOME/config.json, through
 * the contract), so this only reads the old lists once, for the host to take over, and then
 * removes each one the host took.
 */
const prefix = 'cairn.folders.';

export interface LegacyFolders {
  key: string;
  location: string;
  folders: string[];
}

export function legacyFolderLists(): LegacyFolders[] {
  try {
    const found: LegacyFolders[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key === null || !key.startsWith(prefix) || key.length === prefix.length) continue;
      found.push({ key, location: key.slice(prefix.length), folders: read(key) });
    }
    return found;
  } catch {
    return []; // no storage: nothing to take over
  }
}

export function forgetLegacyFolders(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // No storage: nothing to remove.
  }
}

function read(key: string): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
      : [];
  } catch {
    return []; // unreadable: nothing to take over, and it is removed all the same
  }
}
