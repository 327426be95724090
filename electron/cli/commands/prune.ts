import { createEngine } from '../../engine/service.js';
import type { PruneReport } from '../../engine/service-types.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { formatBytes, printJson } from '../output.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn prune --repo LOC [--dry-run] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { ...repoOption, ...jsonOption, 'dry-run': { type: 'boolean' } },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const json = values.json ?? false;
  const ref = { location, password: await readPassword() };
  const { result: report, warnings } = await runCliJob(json, (control) =>
    createEngine().prune(ref, { dryRun: values['dry-run'] ?? false }, control),
  );
  if (json) printJson({ ...report, repository_warnings: warnings });
  else printPrune(report);
  return 0;
}

export function printPrune(r: PruneReport): void {
  const verb = r.dry_run ? 'would free' : 'freed';
  process.stdout.write(
    `prune: ${r.blobs_kept} blob(s) in use, ${r.blobs_removed} unused; ` +
      `${r.packs_deleted} of ${r.packs_before} pack(s) ${r.dry_run ? 'would go' : 'removed'} (${r.packs_repacked} repacked into ${r.packs_written}); ` +
      `${verb} ${formatBytes(r.bytes_freed)}\n`,
  );
  // A damaged snapshot file's tree is unknowable: prune went on without it.
  if (r.damaged_snapshots.length > 0)
    process.stdout.write(
      `prune: ${r.damaged_snapshots.length} damaged snapshot file(s) left out (${r.damaged_snapshots.map((id) => id.slice(0, 8)).join(', ')}); ` +
        `data only they used ${r.dry_run ? 'would be' : 'was'} freed\n`,
    );
}
