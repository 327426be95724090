/**
 * Reads and writes `CAIRN_HOME/config.json` (format in config-schema.ts). A file that cannot be
 * read as a valid configuration is reported — naming the file and what is wrong — and left as
 * it is: replacing it with defaults would silently drop every plan.
 */
import path from 'node:path';
import { CairnError, errorMessage } from '../engine/errors.js';
import { writeJsonAtomic, readTextIfExists } from './atomic-json.js';
import { withConfigLock } from './config-lock.js';
import {
  CONFIG_VERSION,
  configSchema,
  describeIssues,
  emptyConfig,
  type Config,
  type Plan,
  upgradeConfig,
} from './config-schema.js';

export function configFile(home: string): string {
  return path.join(home, 'config.json');
}

export async function loadConfig(file: string): Promise<Config> {
  const text = await readTextIfExists(file);
  if (text === undefined) return emptyConfig();
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): Config {
  const damaged = (why: string) =>
    new CairnError(
      'corrupt',
      `configuration ${file} is damaged (${why}); it was left as it is: fix it, or move it away to start afresh`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw damaged(`not valid JSON: ${errorMessage(err)}`);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > CONFIG_VERSION) {
    throw new CairnError(
      'format-too-new',
      `configuration ${file} has format version ${version}, newer than this Cairn reads (${CONFIG_VERSION}); it was left as it is`,
    );
  }
  const parsed = configSchema.safeParse(upgradeConfig(json));
  if (!parsed.success) throw damaged(describeIssues(parsed.error));
  const names = new Set<string>();
  for (const plan of parsed.data.plans) {
    if (names.has(plan.name)) throw damaged(`plan ${plan.name} is defined twice`);
    names.add(plan.name);
  }
  return parsed.data;
}

export async function saveConfig(file: string, config: Config): Promise<void> {
  // Validated before writing too: nothing this program writes should fail its own load.
  configSchema.parse(config);
  await writeJsonAtomic(file, config);
}

/**
 * Load, change, save, under the configuration's lock (config-lock.ts) so that another Cairn
 * process changing it at the same moment loses nothing. The change may throw to leave the file
 * untouched, or return null when nothing changed (the file is then not rewritten: a running
 * scheduler re-reads it whenever it changes).
 */
export async function updateConfig(
  file: string,
  change: (config: Config) => Config | null | void,
): Promise<Config> {
  return withConfigLock(file, async () => {
    const config = await loadConfig(file);
    const next = change(config);
    if (next === null) return config;
    await saveConfig(file, next ?? config);
    return next ?? config;
  });
}

export function findPlan(config: Config, name: string): Plan {
  const plan = config.plans.find((p) => p.name === name);
  if (!plan) {
    const known = config.plans.map((p) => p.name);
    throw new CairnError(
      'invalid-argument',
      `no plan named ${JSON.stringify(name)} (${known.length > 0 ? `plans: ${known.join(', ')}` : 'no plans yet; add one with cairn plan add'})`,
    );
  }
  return plan;
}
