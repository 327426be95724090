/**
 * `cairn serve`'s access token, kept in `CAIRN_HOME/serve-token` (mode 0600, only the user
 * reads it) so that the address with the token — a bookmark — keeps working across restarts.
 * `cairn serve --rotate-token` replaces it; a running server notices (watchToken) and the old
 * address stops working at once.
 */
import { promises as fs, unwatchFile, watchFile } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../plans/atomic-json.js';
import { createAccessToken } from './access-token.js';

const TOKEN = /^[A-Za-z0-9_-]{32,}$/;

export function tokenFile(home: string): string {
  return path.join(home, 'serve-token');
}

/** The kept token, or a new one (kept) when there is none or it is not a token. */
export async function loadOrCreateToken(home: string): Promise<string> {
  const file = tokenFile(home);
  try {
    const text = (await fs.readFile(file, 'utf8')).trim();
    if (TOKEN.test(text)) {
      // Anyone else able to read it could sign in: keep it the user's own.
      const { mode } = await fs.stat(file);
      if ((mode & 0o077) !== 0) await fs.chmod(file, 0o600);
      return text;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return rotateToken(home);
}

export async function rotateToken(home: string): Promise<string> {
  const token = createAccessToken();
  await writeFileAtomic(tokenFile(home), `${token}\n`, 0o600);
  return token;
}

/**
 * Calls `onRotated` with the new token when the kept one is replaced (by `--rotate-token` from
 * another process). Polls the file's status: the replacement is an atomic rename, which
 * inotify-style watchers lose track of. Returns a function that stops watching.
 */
export function watchToken(
  home: string,
  current: string,
  onRotated: (token: string) => void,
  intervalMs = 1000,
): () => void {
  const file = tokenFile(home);
  let known = current;
  const check = () => {
    fs.readFile(file, 'utf8').then(
      (text) => {
        const token = text.trim();
        if (TOKEN.test(token) && token !== known) {
          known = token;
          onRotated(token);
        }
      },
      () => undefined, // gone for a moment: the next rotation writes it again
    );
  };
  watchFile(file, { interval: intervalMs, persistent: false }, check);
  return () => unwatchFile(file, check);
}
