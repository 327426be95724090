/**
 * What `cairn config export` writes and `import` reads: the configuration (config-schema.ts)
 * plus, under `apiDefinitions`, the text of each API source definition its plans name, by the
 * path the plan gives (`{ PATH: TEXT }`). A plan made in the app keeps its definitions under
 * `CAIRN_HOME/plan-api-sources/`, a path that means nothing on another machine, so the text
 * travels with the plan; it is kept byte for byte (a body's numbers are read exactly).
 *
 * A definition travels only when it names every secret by reference: one with a secret written
 * in clear, or one that cannot be read or checked, is exported as its path alone (the export
 * says so), since the export must hold no secret. An export without `apiDefinitions` (an older
 * one) is read as paths only.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { CairnError, errorMessage } from '../engine/errors.js';
import type { EngineService } from '../engine/service-types.js';
import { writeFileAtomic } from './atomic-json.js';
import type { Config, Plan } from './config-schema.js';
import { parseConfig } from './config-store.js';
import { planDefinitionFile } from './plan-definition-files.js';

type Engine = Pick<EngineService, 'parseApiSourceDefinition' | 'findInlineSecrets'>;

const definitionsSchema = z.record(z.string(), z.string());

export interface ConfigExport {
  text: string;
  /** One line per definition exported as its path only: which plan, which file, why. */
  leftOut: string[];
}

export async function exportConfig(config: Config, engine: Engine): Promise<ConfigExport> {
  const apiDefinitions: Record<string, string> = {};
  const leftOut: string[] = [];
  for (const plan of config.plans) {
    for (const file of plan.apiSources) {
      if (apiDefinitions[file] !== undefined) continue;
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      const why = text === undefined ? 'cannot be read' : await whyNotExported(engine, text);
      if (why === undefined && text !== undefined) apiDefinitions[file] = text;
      else leftOut.push(`plan ${plan.name}: API source ${file} ${why}; exported as its path only`);
    }
  }
  return { text: `${JSON.stringify({ ...config, apiDefinitions }, null, 2)}\n`, leftOut };
}

/** Why a definition's text must not leave in the export, or undefined when it may. */
async function whyNotExported(engine: Engine, text: string): Promise<string | undefined> {
  const clear = await secretsInClear(engine, text).catch((err: unknown) => err);
  // Unchecked, it might hold a secret: the engine's message names the problem, never a value.
  if (clear instanceof Error) return `is not valid (${errorMessage(clear)})`;
  if (Array.isArray(clear) && clear.length > 0)
    return `writes a secret in clear (${clear.join(', ')})`;
  return undefined;
}

async function secretsInClear(engine: Engine, text: string): Promise<string[]> {
  return engine.findInlineSecrets(await engine.parseApiSourceDefinition(text, 'definition'));
}

export interface ConfigImport {
  config: Config;
  /** The definitions the export carries, by the path its plans give. */
  definitions: Record<string, string>;
}

export function parseConfigExport(text: string, file: string): ConfigImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { config: parseConfig(text, file), definitions: {} }; // says what is wrong
  }
  if (json === null || typeof json !== 'object' || !('apiDefinitions' in json))
    return { config: parseConfig(text, file), definitions: {} };
  const { apiDefinitions, ...rest } = json as { apiDefinitions: unknown };
  const definitions = definitionsSchema.safeParse(apiDefinitions);
  if (!definitions.success)
    throw new CairnError('invalid-argument', `${file}: apiDefinitions must map paths to texts`);
  return { config: parseConfig(JSON.stringify(rest), file), definitions: definitions.data };
}

/**
 * Writes the definitions the imported plans carry under this machine's `plan-api-sources/` and
 * points the plans at them (the plans are changed in place); returns the files it wrote, to
 * undo a failed import. A definition with a secret in clear (an export edited by hand) is
 * refused, as the app refuses it: the folder is no secret store.
 */
export async function placeDefinitions(
  plans: Plan[],
  definitions: Record<string, string>,
  home: string,
  engine: Engine,
): Promise<string[]> {
  const written: string[] = [];
  try {
    for (const plan of plans) {
      const files: string[] = [];
      for (const where of plan.apiSources) {
        const text = definitions[where];
        if (text === undefined) {
          files.push(where);
          continue;
        }
        const placed = await place(plan, where, text, home, engine);
        if (placed.wrote) written.push(placed.file);
        files.push(placed.file);
      }
      plan.apiSources = files;
    }
  } catch (err) {
    await removeFiles(written);
    throw err;
  }
  return written;
}

/** Checks one carried definition and writes it under this machine's CAIRN_HOME. */
async function place(
  plan: Plan,
  where: string,
  text: string,
  home: string,
  engine: Engine,
): Promise<{ file: string; wrote: boolean }> {
  const origin = `plan ${plan.name}: API source ${where}`;
  const definition = await engine.parseApiSourceDefinition(text, origin).catch((err) => {
    throw new CairnError('invalid-argument', `nothing imported: ${errorMessage(err)}`);
  });
  const clear = await engine.findInlineSecrets(definition);
  if (clear.length > 0)
    throw new CairnError(
      'invalid-argument',
      `nothing imported: ${origin} writes a secret in clear (${clear.join(', ')}); give it by reference (env:NAME, file:PATH or keychain:ENTRY)`,
    );
  const file = planDefinitionFile(home, definition.name, text);
  if ((await fs.readFile(file, 'utf8').catch(() => undefined)) === text)
    return { file, wrote: false };
  await writeFileAtomic(file, text);
  return { file, wrote: true };
}

export async function removeFiles(files: string[]): Promise<void> {
  for (const file of files) await fs.rm(file, { force: true });
}
