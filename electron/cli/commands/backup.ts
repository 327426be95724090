import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { BackupResult, RepositoryWarning } from '../../engine/service-types.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { formatBytes, printJson } from '../output.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE =
  'cairn backup PATH... --repo LOC [--exclude GLOB]... [--tag T]... [--force-full] [--json]\n' +
  '       cairn backup --api SOURCE.json --repo LOC [--endpoint NAME]... [--full-sync] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      exclude: { type: 'string', multiple: true },
      tag: { type: 'string', multiple: true },
      'force-full': { type: 'boolean' },
      api: { type: 'string' },
      endpoint: { type: 'string', multiple: true },
      'full-sync': { type: 'boolean' },
    },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  if (values.api) {
    if (positionals.length > 0)
      throw new CairnError(
        'invalid-argument',
        `back up either folders or an API source (--api), not both\nusage: ${USAGE}`,
      );
    return backupApi(
      location,
      values.api,
      values.endpoint ?? [],
      values['full-sync'] ?? false,
      values.tag ?? [],
      values.json ?? false,
    );
  }
  if (positionals.length === 0)
    throw new CairnError(
      'invalid-argument',
      `name at least one folder to back up\nusage: ${USAGE}`,
    );
  const json = values.json ?? false;
  const password = await readPassword();
  const { result, warnings } = await runCliJob(json, (control) =>
    createEngine().backup(
      { location, password },
      {
        paths: positionals,
        excludes: values.exclude ?? [],
        tags: values.tag ?? [],
        forceFull: values['force-full'] ?? false,
      },
      control,
    ),
  );
  return report(result, json, warnings);
}

async function backupApi(
  location: string,
  sourceFile: string,
  endpoints: string[],
  fullSync: boolean,
  tags: string[],
  json: boolean,
): Promise<number> {
  const engine = createEngine();
  const definition = await engine.loadApiSourceDefinition(sourceFile);
  const password = await readPassword();
  const { result, warnings } = await runCliJob(json, (control) =>
    engine.backupApi({ location, password }, { definition, endpoints, fullSync, tags }, control),
  );
  const { snapshot } = result;
  if (json) printJson({ snapshot, warnings: result.warnings, repository_warnings: warnings });
  else {
    const s = snapshot.stats;
    process.stdout.write(
      `API source ${definition.name}: ${s.files_new} new, ${s.files_changed} changed, ${s.files_unchanged} unchanged file(s)\n` +
        `Added to the repository: ${formatBytes(s.bytes_added)} (${formatBytes(s.bytes_added_raw)} before compression)\n` +
        `${sizeLine(s)} in ${(s.duration_ms / 1000).toFixed(1)}s\n` +
        `snapshot ${snapshot.short_id} saved${snapshot.incomplete ? ' (incomplete)' : ''}\n`,
    );
  }
  const notes = result.warnings.filter((w) => w.note);
  if (!json) for (const w of notes) process.stderr.write(`note: ${w.path}: ${w.message}\n`);
  if (!snapshot.incomplete) return 0;
  // One line per distinct cause (the engine groups endpoints that failed the same way).
  for (const reason of snapshot.incomplete_reasons) process.stderr.write(`warning: ${reason}\n`);
  process.stderr.write(
    `cairn: snapshot ${snapshot.short_id} saved but incomplete: ${result.warnings.length - notes.length} endpoint(s) failed\n`,
  );
  return 3;
}

export function report(
  result: BackupResult,
  json: boolean,
  repositoryWarnings: RepositoryWarning[] = [],
): number {
  const { snapshot, warnings } = result;
  if (json) {
    printJson({ snapshot, warnings, repository_warnings: repositoryWarnings });
  } else {
    for (const w of warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
    const s = snapshot.stats;
    process.stdout.write(
      `Files: ${s.files_new} new, ${s.files_changed} changed, ${s.files_unchanged} unchanged; ${s.dirs} folders\n` +
        `Added to the repository: ${formatBytes(s.bytes_added)} (${formatBytes(s.bytes_added_raw)} before compression)\n` +
        `${sizeLine(s)} in ${(s.duration_ms / 1000).toFixed(1)}s\n` +
        `snapshot ${snapshot.short_id} saved${snapshot.incomplete ? ' (incomplete)' : ''}\n`,
    );
  }
  if (snapshot.incomplete) {
    process.stderr.write(
      `cairn: snapshot ${snapshot.short_id} saved but incomplete: ${warnings.length} item(s) could not be read\n`,
    );
    return 3;
  }
  return 0;
}

/** What was read, against what the snapshot holds: unchanged files are reused, not read. */
function sizeLine(s: BackupResult['snapshot']['stats']): string {
  if (s.bytes_read === undefined || s.bytes_read === s.bytes_processed)
    return `Read ${formatBytes(s.bytes_processed)}`;
  return `Read ${formatBytes(s.bytes_read)} (the snapshot holds ${formatBytes(s.bytes_processed)}; unchanged files were not read again)`;
}
