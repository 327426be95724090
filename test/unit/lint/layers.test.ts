/**
 * The layers as ESLint enforces them (eslint.config.js, issue 11): an import planted in each
 * room must be refused, and the engine's facade must stay importable. Run through ESLint's own
 * API with the repository's config, as `npm run lint` runs it.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cairn-cli.js';

const eslint = new ESLint({ cwd: ROOT });
const layerRules = new Set(['no-restricted-imports', 'layers/no-restricted-dynamic-imports']);

/** The layer messages ESLint gives `code` as if it were the file at `filePath`. */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId !== null && layerRules.has(m.ruleId))
    .map((m) => m.message);
}

const internal = 'engine/sources/api/load-source-definition.js';
const facadeOnly = /import only the engine facade/;

describe('ESLint keeps the layers apart', () => {
  it.each([
    [
      'electron/cli/commands/planted.ts',
      `import { loadSourceDefinition } from '../../${internal}';`,
    ],
    [
      'electron/cli/planted.ts',
      `import { shareMainThread } from '../engine/pipeline/main-thread-policy.js';`,
    ],
    [
      'electron/session/planted.ts',
      `import type { SourceDefinition } from '../engine/sources/api/source-definition.js';`,
    ],
    ['electron/server/planted.ts', `import { PROGRAM_VERSION } from '../engine/version.js';`],
    [
      'electron/main/planted.ts',
      `import { sourceDefinitionSchema } from '../engine/sources/api/source-definition.js';`,
    ],
    [
      'electron/preload/planted.ts',
      `import { Repository } from '../engine/repository/repository.js';`,
    ],
    [
      'electron/plans/planted.ts',
      `import { applyRetention } from '../engine/retention/apply-retention.js';`,
    ],
    ['electron/cli/commands/planted.ts', `export const load = () => import('../../${internal}');`],
  ])('refuses an engine internal in %s', async (file, code) => {
    const messages = await refusals(file, `${code}\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(facadeOnly);
  });

  it.each([
    ['electron/engine/backup/planted.ts', `import { Session } from '../../session/session.js';`],
    ['electron/engine/planted.ts', `import { printJson } from '../cli/output.js';`],
    [
      'electron/engine/sources/api/planted.ts',
      `import { runServe } from '../../../server/serve-command.js';`,
    ],
    ['electron/engine/planted.ts', `import { registerIpc } from '../main/ipc.js';`],
    ['electron/engine/planted.ts', `import { app } from 'electron';`],
    ['electron/engine/planted.ts', `export const load = () => import('../cli/output.js');`],
  ])('refuses a host in the engine: %s', async (file, code) => {
    expect(await refusals(file, `${code}\n`)).toHaveLength(1);
  });

  it.each([
    ['electron/session/planted.ts', `import { registerIpc } from '../main/ipc.js';`],
    ['electron/session/planted.ts', `import { runServe } from '../server/serve-command.js';`],
    ['electron/plans/planted.ts', `import { Session } from '../session/session.js';`],
    ['electron/plans/planted.ts', `import { runServe } from '../server/serve-command.js';`],
    ['renderer/src/planted.ts', `import { Session } from '../../electron/session/session.js';`],
  ])('refuses what the session, plans and the renderer may not import: %s', async (file, code) => {
    expect(await refusals(file, `${code}\n`)).toHaveLength(1);
  });

  it.each([
    'electron/cli/commands/planted.ts',
    'electron/session/nested/planted.ts',
    'electron/server/planted.ts',
    'electron/main/planted.ts',
    'electron/plans/planted.ts',
  ])('lets %s import the facade', async (file) => {
    const up = '../'.repeat(file.split('/').length - 2);
    const code = [
      `import { CairnError } from '${up}engine/errors.js';`,
      `import { createEngine } from '${up}engine/service.js';`,
      `import type { EngineService } from '${up}engine/service-types.js';`,
      `import { PROGRAM_VERSION } from '${up}engine/startup.js';`,
      `export const engine: EngineService = createEngine();`,
      `export const failure = new CairnError('invalid-argument', 'x');`,
      `export const version = PROGRAM_VERSION;`,
      `export const later = () => import('${up}engine/service.js');`,
      '',
    ].join('\n');
    expect(await refusals(file, code)).toEqual([]);
  });
});
