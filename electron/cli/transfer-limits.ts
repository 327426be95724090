/**
 * `--limit-upload KIB` and `--limit-download KIB` (KiB/s), accepted by every command: they
 * bound what a command moves to and from a remote target. They are taken out of the
 * arguments here and handed to the engine as CAIRN_LIMIT_UPLOAD / CAIRN_LIMIT_DOWNLOAD, which
 * the targets read like their credentials; a local folder is not limited.
 */
import { CairnError } from '../engine/errors.js';

const FLAGS: Record<string, string> = {
  '--limit-upload': 'CAIRN_LIMIT_UPLOAD',
  '--limit-download': 'CAIRN_LIMIT_DOWNLOAD',
};

/** The arguments without the limit flags, whose values are now in the environment. */
export function takeTransferLimits(argv: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const variable = FLAGS[flag];
    if (!variable) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    const kib = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(kib) || kib <= 0)
      throw new CairnError(
        'invalid-argument',
        `${flag} needs a rate in KiB/s greater than 0${value === undefined ? '' : `, not ${JSON.stringify(value)}`}`,
      );
    process.env[variable] = String(kib);
  }
  return rest;
}
