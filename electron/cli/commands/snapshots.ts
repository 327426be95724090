import { createEngine } from '../../engine/service.js';
import { jsonOption, noLockOption, parse, repoOption, requireRepo } from '../args.js';
import { formatBytes, printJson, table, warningPrinter } from '../output.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn snapshots --repo LOC [--no-lock] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...repoOption, ...jsonOption, ...noLockOption }, USAGE);
  const location = requireRepo(values.repo, USAGE);
  // Damaged snapshot files are skipped with a warning on stderr; --json stays an array.
  const snapshots = await createEngine().listSnapshots(
    { location, password: await readPassword(), noLock: values['no-lock'] ?? false },
    warningPrinter(),
  );
  if (values.json) {
    printJson(snapshots);
    return 0;
  }
  if (snapshots.length === 0) {
    process.stdout.write('no snapshots yet\n');
    return 0;
  }
  const rows = [['ID', 'Time', 'Host', 'Tags', 'Added', 'Paths']];
  for (const s of snapshots) {
    const when = new Date(s.time).toLocaleString('sv-SE').slice(0, 19);
    rows.push([
      s.short_id + (s.incomplete ? '!' : ''),
      when,
      s.hostname,
      s.tags.join(','),
      formatBytes(s.stats.bytes_added),
      s.sources.map((src) => (src.kind === 'folder' ? src.path : `api:${src.source}`)).join(', '),
    ]);
  }
  process.stdout.write(table(rows) + '\n');
  process.stdout.write(`${snapshots.length} snapshot(s)`);
  const incomplete = snapshots.filter((s) => s.incomplete).length;
  process.stdout.write(incomplete ? `, ${incomplete} incomplete (marked !)\n` : '\n');
  return 0;
}
