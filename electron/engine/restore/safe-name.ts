/**
 * A name from a snapshot may only ever become one path component below the restore folder.
 * Anything else (`..`, `.`, empty, a separator, NUL) is what a crafted snapshot would use to
 * escape, and is refused.
 */
export function isSafeName(name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  if (name.includes('/') || name.includes('\0')) return false;
  if (process.platform === 'win32' && (name.includes('\\') || /^[a-zA-Z]:/.test(name)))
    return false;
  return true;
}

/** Splits a snapshot path (`/src/a/b`) into safe components, or undefined if it has an unsafe one. */
export function splitSnapshotPath(p: string): string[] | undefined {
  const parts = p.split('/').filter((s) => s !== '');
  return parts.every(isSafeName) ? parts : undefined;
}
