import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { ApiRestoreResult, RestoredRecord } from '../../engine/service-types.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { runCliJob } from '../job-control.js';
import { printJson } from '../output.js';
import { readPassword } from '../password.js';

const USAGE =
  'cairn restore-api SNAPSHOT [--api SOURCE.json | --source NAME] --endpoint NAME --repo LOC\n' +
  '                [--ids ID,...] [--changed-since SNAP] [--deleted-since SNAP] [--base-url URL]\n' +
  '                [--target-secret REF] [--dry-run] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      api: { type: 'string' },
      source: { type: 'string' },
      endpoint: { type: 'string' },
      ids: { type: 'string' },
      'changed-since': { type: 'string' },
      'deleted-since': { type: 'string' },
      'base-url': { type: 'string' },
      'target-secret': { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const [snapshot, extra] = positionals;
  if (!snapshot || extra !== undefined)
    throw new CairnError('invalid-argument', `name one snapshot to restore from\nusage: ${USAGE}`);
  if (values.api && values.source)
    throw new CairnError(
      'invalid-argument',
      '--api and --source both name the source: give one (--source uses the definition kept in the snapshot)',
    );
  if (!values.endpoint)
    throw new CairnError('invalid-argument', `--endpoint NAME is required\nusage: ${USAGE}`);
  const ids = values.ids
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  if (ids !== undefined && ids.length === 0)
    throw new CairnError('invalid-argument', '--ids needs at least one record id');
  const json = values.json ?? false;
  const engine = createEngine();
  // Without --api, the definition the backup kept in the snapshot.
  const definition = values.api ? await engine.loadApiSourceDefinition(values.api) : undefined;
  const password = await readPassword();
  const request = {
    snapshot,
    ...(definition ? { definition } : {}),
    ...(values.source ? { source: values.source } : {}),
    endpoint: values.endpoint,
    ...(ids ? { ids } : {}),
    ...(values['changed-since'] ? { changedSince: values['changed-since'] } : {}),
    ...(values['deleted-since'] ? { deletedSince: values['deleted-since'] } : {}),
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    ...(values['target-secret'] ? { targetSecret: values['target-secret'] } : {}),
    dryRun: values['dry-run'] ?? false,
  };
  const { result } = await runCliJob(json, (control) =>
    engine.restoreApi({ location, password }, request, control),
  );
  if (json) printJson(result);
  else process.stdout.write(report(result));
  return result.counts.failed > 0 ? 3 : 0;
}

function report(result: ApiRestoreResult): string {
  const where = `${result.source}/${result.endpoint} of snapshot ${result.snapshot.slice(0, 8)}`;
  if (result.dry_run) {
    const lines = result.requests.map((r) => `${r.method} ${r.url}  ${r.body}`);
    return (
      `dry run: ${result.requests.length} request${plural(result.requests.length)} to restore ${where} into ${result.base_url}; none sent\n` +
      lines.map((l) => `${l}\n`).join('')
    );
  }
  const out = [
    `${result.resumed ? 'resumed and finished' : 'finished'}: restoring ${where} into ${result.base_url}: ` +
      `${result.counts.succeeded} succeeded, ${result.counts.skipped} skipped, ${result.counts.failed} failed`,
  ];
  const line = (label: string, r: RestoredRecord) =>
    `${label} ${r.endpoint}/${r.parent !== undefined ? `${r.parent}/` : ''}${r.id}${r.reason ? `: ${r.reason}` : ''}`;
  for (const r of result.skipped) out.push(line('skipped', r));
  for (const r of result.failed) out.push(line('failed ', r));
  const unlisted =
    result.counts.skipped - result.skipped.length + (result.counts.failed - result.failed.length);
  if (unlisted > 0) out.push(`… and ${unlisted} more skipped or failed (see the report)`);
  if (result.report) out.push(`report of every record: ${result.report}`);
  for (const [endpoint, file] of Object.entries(result.id_maps))
    out.push(`id map of ${endpoint} (old → new ids): ${file}`);
  if (result.journal) out.push(`journal: ${result.journal}`);
  return out.map((l) => `${l}\n`).join('');
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
