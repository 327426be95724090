import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { RepairIndexReport, RepairSnapshotsReport } from '../../engine/service-types.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { printJson } from '../output.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE = [
  'cairn repair index --repo LOC [--read-data] [--dry-run] [--json]',
  '       cairn repair snapshots --repo LOC [--dry-run] [--json]',
].join('\n');

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      'dry-run': { type: 'boolean' },
      'read-data': { type: 'boolean' },
    },
    USAGE,
  );
  const what = positionals[0];
  if ((what !== 'index' && what !== 'snapshots') || positionals.length > 1)
    throw new CairnError(
      'invalid-argument',
      `${what === undefined ? 'name what to repair' : `cannot repair ${JSON.stringify(positionals.join(' '))}`}: index or snapshots\nusage: ${USAGE}`,
    );
  if (what === 'snapshots' && values['read-data'])
    throw new CairnError('invalid-argument', `--read-data is for repair index\nusage: ${USAGE}`);
  const location = requireRepo(values.repo, USAGE);
  const json = values.json ?? false;
  const dryRun = values['dry-run'] ?? false;
  const ref = { location, password: await readPassword() };
  const engine = createEngine();
  if (what === 'index') {
    const readData = values['read-data'] ?? false;
    const { result: report, warnings } = await runCliJob(json, (control) =>
      engine.repairIndex(ref, { dryRun, readData }, control),
    );
    if (json) printJson({ ...report, repository_warnings: warnings });
    else printIndexRepair(report);
  } else {
    const { result: report, warnings } = await runCliJob(json, (control) =>
      engine.repairSnapshots(ref, { dryRun }, control),
    );
    if (json) printJson({ ...report, repository_warnings: warnings });
    else printSnapshotsRepair(report);
  }
  return 0;
}

function printIndexRepair(r: RepairIndexReport): void {
  const out: string[] = [];
  for (const f of r.damaged_index_files)
    out.push(`index file ${f.id.slice(0, 12)} is damaged (${f.reason})`);
  for (const p of r.damaged_packs)
    out.push(`pack ${p.id} is damaged (${p.reason}): what it holds is left out`);
  for (const p of r.salvaged_packs)
    out.push(
      `pack ${p.id} is damaged (${p.reason}): ${p.blobs_kept} sound blob(s) ` +
        `${r.dry_run ? 'would be ' : ''}copied into a new pack, ${p.blobs_lost} lost`,
    );
  for (const id of r.packs_missing) out.push(`pack ${id} is gone: left out`);
  out.push(
    `read ${r.packs_read} pack header(s); ${r.packs_added} pack(s) no readable index file described`,
  );
  const [would, verb] = r.dry_run ? ['would ', 'replace'] : ['', 'replaced'];
  out.push(
    `${would}write ${r.index_files_written} index file(s) describing ${r.packs_indexed} pack(s), ${r.blobs} blob(s); ` +
      `${would}${verb} ${r.index_files_before} old index file(s)`,
  );
  if (r.dry_run) out.push('dry run: nothing was changed');
  else if (r.damaged_packs.length + r.salvaged_packs.length + r.packs_missing.length > 0)
    out.push(
      'next: `cairn repair snapshots` removes what is lost from the snapshots that need it, ' +
        'and `cairn prune` deletes the damaged packs',
    );
  process.stdout.write(out.join('\n') + '\n');
}

function printSnapshotsRepair(r: RepairSnapshotsReport): void {
  const out: string[] = [];
  const would = r.dry_run ? 'would be ' : '';
  for (const f of r.damaged_snapshot_files)
    out.push(`snapshot file ${f.id.slice(0, 8)} is damaged (${f.reason}): ${would}removed`);
  for (const rep of r.repaired) {
    const s = rep.original;
    out.push(`snapshot ${s.short_id} of ${s.paths.join(', ') || s.group} at ${s.time}:`);
    for (const item of rep.removed)
      out.push(`  ${r.dry_run ? 'would remove' : 'removed'} ${item.path} (${item.reason})`);
    if (rep.removed.some((item) => item.path === '/'))
      out.push(`  nothing readable is left: snapshot ${s.short_id} ${would}removed`);
    else if (r.dry_run)
      out.push(`  would be saved as a repaired snapshot, and ${s.short_id} removed`);
    else
      out.push(
        `  saved as repaired snapshot ${rep.repaired?.short_id ?? '?'}; ${s.short_id} removed`,
      );
  }
  const changed = r.damaged_snapshot_files.length + r.repaired.length;
  out.push(
    changed === 0
      ? `checked ${r.snapshots_checked} snapshot(s): nothing to repair`
      : `checked ${r.snapshots_checked} snapshot(s): ${r.repaired.length} ${would}repaired, ` +
          `${r.damaged_snapshot_files.length} damaged snapshot file(s) ${would}removed`,
  );
  if (r.dry_run) out.push('dry run: nothing was changed');
  else if (changed > 0) out.push('`cairn prune` frees the data nothing uses any more');
  process.stdout.write(out.join('\n') + '\n');
}
