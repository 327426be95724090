/**
 * `cairn config export FILE | import FILE`: plans, recent repositories and the app's saved
 * sources, to move a setup to another machine, with the text of the plans' API source
 * definitions (plans/config-transfer.ts). The configuration holds secret references only
 * (keychain:, env:, file:), never a secret, so neither does the export; secrets stay where the
 * references point.
 */
import { promises as fs } from 'node:fs';
import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import { writeFileAtomic, readTextIfExists } from '../../plans/atomic-json.js';
import { loadConfig, updateConfig } from '../../plans/config-store.js';
import {
  exportConfig,
  parseConfigExport,
  placeDefinitions,
  removeFiles,
} from '../../plans/config-transfer.js';
import { planFiles } from '../../plans/plan-files.js';
import { parse } from '../args.js';

const USAGE = 'cairn config export FILE | import FILE';

export async function run(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {}, USAGE);
  const [action, file, ...extra] = positionals;
  if (!file || extra.length > 0 || (action !== 'export' && action !== 'import'))
    throw new CairnError('invalid-argument', `usage: ${USAGE}`);
  const files = planFiles();
  if (action === 'export') {
    const config = await loadConfig(files.config);
    const exported = await exportConfig(config, createEngine());
    await writeFileAtomic(file, exported.text, 0o644);
    process.stdout.write(`${config.plans.length} plan(s) exported to ${file}\n`);
    for (const line of exported.leftOut) process.stderr.write(`warning: ${line}\n`);
    // Exported, but another machine will lack those definitions: done, incomplete (SPEC §9).
    return exported.leftOut.length > 0 ? 3 : 0;
  }
  const text = await readTextIfExists(file);
  if (text === undefined) throw new CairnError('invalid-argument', `${file} does not exist`);
  const { config: imported, definitions } = parseConfigExport(text, file);
  const written = await placeDefinitions(imported.plans, definitions, files.home, createEngine());
  let added = 0;
  const update = updateConfig(files.config, (config) => {
    const clashes = imported.plans.filter((p) => config.plans.some((q) => q.name === p.name));
    if (clashes.length > 0)
      throw new CairnError(
        'invalid-argument',
        `nothing imported: plan(s) ${clashes.map((p) => p.name).join(', ')} exist already (remove or rename them first)`,
      );
    config.plans.push(...imported.plans);
    added = imported.plans.length;
    for (const repo of imported.recentRepositories) {
      if (config.recentRepositories.includes(repo)) continue;
      config.recentRepositories.push(repo);
      // Settings and keychain references (the entries themselves stay in that machine's keychain).
      const credentials = imported.repositoryCredentials?.[repo];
      if (credentials)
        config.repositoryCredentials = { ...config.repositoryCredentials, [repo]: credentials };
    }
    // The app's saved sources, for repositories that have none here yet.
    for (const [repo, sources] of Object.entries(imported.sources ?? {})) {
      if (config.sources?.[repo] === undefined)
        config.sources = { ...config.sources, [repo]: sources };
    }
  });
  await update.catch(async (err: unknown) => {
    await removeFiles(written);
    throw err;
  });
  process.stdout.write(`${added} plan(s) imported from ${file}\n`);
  // Folders and API definitions are paths of the machine exported from: say at once which are
  // not here, rather than at the plan's first run.
  for (const plan of imported.plans) {
    for (const where of [...plan.folders, ...plan.apiSources]) {
      if (!(await exists(where)))
        process.stderr.write(`warning: plan ${plan.name}: ${where} does not exist here\n`);
    }
  }
  return 0;
}

async function exists(where: string): Promise<boolean> {
  return fs.stat(where).then(
    () => true,
    () => false,
  );
}
