import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { ArchiveFormat } from '../../engine/service-types.js';
import { parse, repoOption, requireRepo } from '../args.js';
import { runCliJob } from '../job-control.js';
import { formatBytes } from '../output.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn export SNAPSHOT [PATH] --repo LOC --format zip|tar.gz --output FILE|-';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...repoOption, format: { type: 'string' }, output: { type: 'string', short: 'o' } },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const [snapshot, path = '/', extra] = positionals;
  if (!snapshot || extra !== undefined)
    throw new CairnError('invalid-argument', `name a snapshot (and a path in it)\nusage: ${USAGE}`);
  const output = values.output;
  if (!output)
    throw new CairnError(
      'invalid-argument',
      `--output FILE (or - for standard output) is required\nusage: ${USAGE}`,
    );
  const format = archiveFormat(values.format, output);
  const toStdout = output === '-';
  if (toStdout && process.stdout.isTTY)
    throw new CairnError(
      'invalid-argument',
      'refusing to write an archive to a terminal; redirect it or use --output FILE',
    );
  const ref = { location, password: await readPassword() };
  const { result } = await runCliJob(false, (control) =>
    createEngine().export(
      ref,
      { snapshot, path, format, output: toStdout ? process.stdout : output },
      control,
    ),
  );
  for (const w of result.warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
  const line =
    `exported ${result.files} file(s), ${result.dirs} folder(s), ${result.symlinks} link(s), ` +
    `${formatBytes(result.bytes)} to ${result.output ?? 'standard output'} ` +
    `(${format}, ${formatBytes(result.archive_bytes)})\n`;
  // Standard output may be the archive itself.
  (toStdout ? process.stderr : process.stdout).write(line);
  return 0;
}

/** `--format`, or what the file's name says (`.zip`, `.tar.gz`, `.tgz`). */
function archiveFormat(format: string | undefined, output: string): ArchiveFormat {
  if (format === 'zip' || format === 'tar.gz') return format;
  if (format !== undefined)
    throw new CairnError('invalid-argument', `--format must be zip or tar.gz, not ${format}`);
  if (/\.zip$/i.test(output)) return 'zip';
  if (/\.(tar\.gz|tgz)$/i.test(output)) return 'tar.gz';
  throw new CairnError('invalid-argument', `--format zip|tar.gz is required\nusage: ${USAGE}`);
}
