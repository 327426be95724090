/**
 * The API sources of a plan made in the app. A plan names its API sources by definition file,
 * as `cairn plan add --api SOURCE.json` does (config.json's `apiSources`), so the definitions
 * typed in the form are kept as files of their own under `CAIRN_HOME/plan-api-sources/`, one
 * per definition, named by the source and a hash of the text. A definition must name its
 * secrets by reference (`env:`, `file:`, `keychain:`): one written in clear is refused, since
 * the file is no secret store. A definition the plan already had, unchanged, keeps its file
 * (wherever the CLI's plan named it).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EngineService } from '../engine/service-types.js';
import { writeFileAtomic } from '../plans/atomic-json.js';
import { planApiSourceFolder, planDefinitionFile } from '../plans/plan-definition-files.js';
import { parseDefinitionText } from './api-source-definitions.js';
import { ContractFailure } from './to-contract-error.js';

/** The definition files of a plan's sources, and those this call wrote (to undo a failed save). */
export interface KeptDefinitions {
  files: string[];
  written: string[];
}

export async function keepDefinitions(
  engine: EngineService,
  home: string,
  texts: string[],
  previousFiles: string[],
): Promise<KeptDefinitions> {
  const previous = new Map<string, string>();
  for (const file of previousFiles) {
    const text = await readDefinition(file);
    if (text !== '') previous.set(text, file);
  }
  const files: string[] = [];
  const written: string[] = [];
  for (const [i, text] of texts.entries()) {
    const which = `API source ${i + 1}`;
    const definition = await parseDefinitionText(engine, text, which);
    const clear = await engine.findInlineSecrets(definition);
    if (clear.length > 0) {
      throw new ContractFailure(
        'invalid-argument',
        `${which} (${definition.name}) writes a secret in ${clear.join(', ')}; give it by reference (env:NAME, file:PATH or keychain:ENTRY), as a plan's definitions are kept in a file`,
      );
    }
    const same = previous.get(text);
    if (same !== undefined) {
      files.push(same);
      continue;
    }
    const file = planDefinitionFile(home, definition.name, text);
    if ((await readDefinition(file)) !== text) {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, text);
      written.push(file);
    }
    files.push(file);
  }
  return { files, written };
}

/** A definition file's text; empty when it cannot be read (the form then asks for one). */
export async function readDefinition(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '');
}

/**
 * Removes the files of ours that no plan names any more (those under plan-api-sources/ only;
 * a file the CLI's plan named elsewhere is the user's).
 */
export async function removeUnusedDefinitions(
  home: string,
  candidates: string[],
  used: string[],
): Promise<void> {
  const folder = planApiSourceFolder(home);
  const keep = new Set(used);
  for (const file of candidates) {
    if (path.dirname(file) === folder && !keep.has(file)) await fs.rm(file, { force: true });
  }
}
