/**
 * The Sources screen's folders and API source definitions, per repository, kept in
 * `CAIRN_HOME/config.json` (`sources`, see config-schema.ts) so that they outlive the page, the
 * app and `cairn serve`. What goes in is checked here, by the host that knows the file system:
 * a folder must be a full path to an existing folder; a definition must be valid and name its
 * secrets by reference — one written into it is refused, so config.json never holds a secret.
 * A damaged configuration is reported by every read and write, and left as it is.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SavedSources as SavedSourcesView } from '../../shared/contract.js';
import type { EngineService } from '../engine/service-types.js';
import { loadConfig, updateConfig } from '../plans/config-store.js';
import type { Config, SavedSources as Saved } from '../plans/config-schema.js';
import { parseDefinitionText } from './api-source-definitions.js';
import { ContractFailure } from './to-contract-error.js';

type Engine = Pick<EngineService, 'parseApiSourceDefinition' | 'findInlineSecrets'>;

export class SavedSources {
  constructor(
    readonly configFile: string,
    private readonly engine: Engine,
  ) {}

  async list(location: string): Promise<SavedSourcesView> {
    return view((await loadConfig(this.configFile)).sources?.[location]);
  }

  /** Checks the folder before anything is written; adding one already there changes nothing. */
  async addFolder(location: string, folder: string): Promise<SavedSourcesView> {
    const normalized = await checkFolder(folder);
    return this.change(location, (sources) =>
      sources.folders.includes(normalized) ? false : (sources.folders.push(normalized), true),
    );
  }

  removeFolder(location: string, folder: string): Promise<SavedSourcesView> {
    return this.change(location, (sources) => {
      const kept = sources.folders.filter((f) => f !== folder);
      if (kept.length === sources.folders.length) return false;
      sources.folders = kept;
      return true;
    });
  }

  /** Folders an older version kept in the browser, taken as they were (nothing is lost). */
  async importFolders(location: string, folders: string[]): Promise<number> {
    let imported = 0;
    await this.change(location, (sources) => {
      for (const folder of folders) {
        if (sources.folders.includes(folder)) continue;
        sources.folders.push(folder);
        imported += 1;
      }
      return imported > 0;
    });
    return imported;
  }

  /** Keeps the text exactly as written, once the engine's own check accepts it. */
  async saveApiSource(location: string, id: string | undefined, text: string): Promise<string> {
    const definition = await parseDefinitionText(this.engine, text);
    const inline = await this.engine.findInlineSecrets(definition);
    if (inline.length > 0) {
      throw new ContractFailure(
        'invalid-argument',
        `Not kept: ${inline.join(', ')} ${inline.length === 1 ? 'holds a secret' : 'hold secrets'} written into the definition, and Cairn keeps no secret in its configuration. Name ${inline.length === 1 ? 'it' : 'them'} by reference instead (env:NAME, file:PATH or keychain:ENTRY); until then this text is not kept.`,
      );
    }
    const saved = id ?? randomUUID();
    await this.change(location, (sources) => {
      const known = sources.apiSources.find((s) => s.id === saved);
      if (known?.text === text) return false;
      if (known) known.text = text;
      else sources.apiSources.push({ id: saved, text });
      return true;
    });
    return saved;
  }

  async removeApiSource(location: string, id: string): Promise<void> {
    await this.change(location, (sources) => {
      const kept = sources.apiSources.filter((s) => s.id !== id);
      if (kept.length === sources.apiSources.length) return false;
      sources.apiSources = kept;
      return true;
    });
  }

  /** `edit` answers whether it changed anything; unchanged, the file is not rewritten. */
  private async change(
    location: string,
    edit: (sources: Saved) => boolean,
  ): Promise<SavedSourcesView> {
    let result: Saved | undefined;
    await updateConfig(this.configFile, (config) => {
      const sources = structuredClone(config.sources?.[location] ?? empty());
      result = sources;
      if (!edit(sources)) return null;
      setSources(config, location, sources);
      return config;
    });
    return view(result);
  }
}

function empty(): Saved {
  return { folders: [], apiSources: [] };
}

function view(saved: Saved | undefined): SavedSourcesView {
  const { folders, apiSources } = saved ?? empty();
  return { folders: [...folders], apiSources: apiSources.map((s) => ({ ...s })) };
}

/** An empty entry is dropped rather than kept, and so is an empty `sources`. */
function setSources(config: Config, location: string, sources: Saved): void {
  const all = { ...config.sources };
  if (sources.folders.length === 0 && sources.apiSources.length === 0) delete all[location];
  else all[location] = sources;
  if (Object.keys(all).length > 0) config.sources = all;
  else delete config.sources;
}

/** A full path to an existing folder, without a trailing separator; or one line saying why not. */
async function checkFolder(folder: string): Promise<string> {
  if (!path.isAbsolute(folder)) {
    throw new ContractFailure(
      'invalid-argument',
      `${folder} is not a full path: start at the root, like ${path.sep === '/' ? '/home/me/Documents' : 'C:\\Users\\me\\Documents'}.`,
    );
  }
  const normalized = path.normalize(folder).replace(/([^:\\/])[\\/]+$/, '$1');
  const stat = await fs.stat(normalized).catch((err: NodeJS.ErrnoException) => err);
  if (stat instanceof Error) {
    throw new ContractFailure(
      'invalid-argument',
      stat.code === 'ENOENT' || stat.code === 'ENOTDIR'
        ? `${normalized} does not exist.`
        : `${normalized} cannot be read: ${stat.code ?? stat.message}.`,
    );
  }
  if (!stat.isDirectory()) {
    throw new ContractFailure(
      'invalid-argument',
      `${normalized} is a file, not a folder: add the folder that holds it.`,
    );
  }
  return normalized;
}
