/**
 * Locations of repositories opened before (never passwords), newest first, so the connect
 * screen can offer them with one click.
 */
const key = 'cairn.recent-repositories';
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
