/**
 * The repositories the app opened before, kept with the plans in `CAIRN_HOME/config.json`
 * (`recentRepositories`, newest first, shared with `cairn plan add` and `cairn config export`),
 * and for a remote one what opens it again (`repositoryCredentials`): settings such as the region
 * or the key file, and for each secret this host's own `keychain:` reference — never a secret.
 * A damaged configuration is reported by every read and write, and left as it is.
 */
import type { RecentRepository } from '../../shared/contract.js';
import {
  secretTargetSettings,
  type TargetSecretName,
  type TargetSecrets,
} from '../../shared/targets.js';
import { loadConfig, updateConfig } from '../plans/config-store.js';
import type { Config } from '../plans/config-schema.js';
import { keychainEntry } from './repository-secrets.js';

/** How many the app keeps; `cairn plan add` may add more, which stay until pushed out. */
const kept = 10;

export class RecentRepositories {
  /** Changes from this process one at a time: each re-reads the file, so none is lost. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly configFile: string) {}

  async list(): Promise<RecentRepository[]> {
    const config = await loadConfig(this.configFile);
    return config.recentRepositories.map((location) => ({
      location,
      credentials: { ...config.repositoryCredentials?.[location] },
    }));
  }

  /**
   * Puts `location` first. `credentials` (when given) replaces what was kept for it: only what
   * `onlyReferences` lets through is written.
   */
  remember(location: string, credentials?: TargetSecrets): Promise<void> {
    return this.change((config) => {
      const list = [location, ...config.recentRepositories.filter((l) => l !== location)];
      const changed = list.some((l, i) => config.recentRepositories[i] !== l);
      const next = credentials === undefined ? undefined : onlyReferences(location, credentials);
      const before = JSON.stringify(config.repositoryCredentials?.[location] ?? {});
      if (!changed && (next === undefined || JSON.stringify(next) === before)) return null;
      config.recentRepositories = trim(list);
      if (next !== undefined) setCredentials(config, location, next);
      return config;
    });
  }

  /** Adds repositories not known yet, after the known ones (an older list being moved here). */
  async import(repositories: RecentRepository[]): Promise<number> {
    let added = 0;
    await this.change((config) => {
      for (const { location, credentials } of repositories) {
        if (config.recentRepositories.includes(location)) continue;
        config.recentRepositories.push(location);
        setCredentials(config, location, onlyReferences(location, credentials));
        added += 1;
      }
      config.recentRepositories = trim(config.recentRepositories);
      return added > 0 ? config : null;
    });
    return added;
  }

  /** `null` from `edit`: nothing changed, nothing written. */
  private change(edit: (config: Config) => Config | null): Promise<void> {
    const next = this.queue.then(async () => {
      // Unchanged (null), not rewritten: a running scheduler re-reads the file whenever it changes.
      await updateConfig(this.configFile, edit);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function trim(list: string[]): string[] {
  return list.slice(0, kept);
}

function setCredentials(config: Config, location: string, credentials: TargetSecrets): void {
  const all = { ...config.repositoryCredentials };
  if (Object.keys(credentials).length === 0) delete all[location];
  else all[location] = credentials;
  for (const known of Object.keys(all)) {
    if (!config.recentRepositories.includes(known)) delete all[known];
  }
  if (Object.keys(all).length > 0) config.repositoryCredentials = all;
  else delete config.repositoryCredentials;
}

/**
 * Settings as they are; a secret only as this host's own keychain entry for this location.
 * Anything else under a secret's name (the secret itself, another reference) is dropped, so
 * nothing secret is ever written to the configuration.
 */
export function onlyReferences(location: string, credentials: TargetSecrets): TargetSecrets {
  const result: TargetSecrets = {};
  for (const [key, value] of Object.entries(credentials)) {
    const name = key as TargetSecretName;
    if (value === undefined || value === '') continue;
    if (!secretTargetSettings.includes(name)) result[name] = value;
    else if (value === `keychain:${keychainEntry(location, name)}`) result[name] = value;
  }
  return result;
}
