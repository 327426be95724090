/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) through
 * @napi-rs/keyring. Entries live under the service name "cairn". Where no keychain can be
 * reached the caller gets a clear error: Cairn never falls back to storing secrets in plain
 * text, and on Linux the entry is pinned to the Secret Service so the library's own fallback to
 * the kernel keyring (lost at reboot) is never used silently either.
 */
import type * as Keyring from '@napi-rs/keyring';
import { CairnError, errorMessage } from '../errors.js';

export const KEYCHAIN_SERVICE = 'cairn';

export interface Keychain {
  get(entry: string): Promise<string | null>;
  set(entry: string, value: string): Promise<void>;
  /** True when an entry was deleted, false when there was none. */
  delete(entry: string): Promise<boolean>;
}

type KeyringModule = typeof Keyring;

let keyringModule: Promise<KeyringModule> | undefined;

function loadKeyring(): Promise<KeyringModule> {
  keyringModule ??= import('@napi-rs/keyring');
  return keyringModule;
}

export function openKeychain(): Keychain {
  const entry = async (name: string) => {
    validateEntryName(name);
    const { AsyncEntry } = await loadKeyring().catch((err: unknown) => {
      throw unavailable(err);
    });
    try {
      return new AsyncEntry(KEYCHAIN_SERVICE, name, { linux: { store: 'secret-service' } });
    } catch (err) {
      throw unavailable(err);
    }
  };
  const guard = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof CairnError) throw err;
      throw keychainFailure(name, err);
    }
  };
  return {
    get: (name) => guard(name, async () => (await entry(name)).getPassword()),
    set: (name, value) => guard(name, async () => (await entry(name)).setPassword(value)),
    delete: (name) => guard(name, async () => (await entry(name)).deleteCredential()),
  };
}

function validateEntryName(name: string): void {
  if (name.length === 0 || name.length > 256 || [...name].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new CairnError('invalid-argument', `invalid keychain entry name ${JSON.stringify(name)}`);
  }
}

function looksUnavailable(err: unknown): boolean {
  return /dbus|d-bus|secret service|no such|not available|unavailable|platform failure|autolaunch/i.test(
    errorMessage(err),
  );
}

function unavailable(err: unknown): CairnError {
  return new CairnError(
    'failure',
    'no OS keychain is available (on Linux: no Secret Service on the D-Bus session, e.g. gnome-keyring); ' +
      'secrets are never stored in plain text instead — start a keyring, or use an env:NAME or file:PATH secret reference',
    { detail: errorMessage(err), cause: err },
  );
}

function keychainFailure(name: string, err: unknown): CairnError {
  if (/locked|unlock|prompt/i.test(errorMessage(err))) {
    return new CairnError(
      'failure',
      `the OS keychain is locked and was not unlocked, so entry "${name}" could not be used`,
      {
        detail: errorMessage(err),
        cause: err,
      },
    );
  }
  if (looksUnavailable(err)) return unavailable(err);
  return new CairnError(
    'failure',
    `the OS keychain could not use entry "${name}": ${errorMessage(err)}`,
    {
      cause: err,
    },
  );
}
