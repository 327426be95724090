/** `cairn api SUBCOMMAND`: tools for API source definitions (today: `api test`). */
import { CairnError } from '../../engine/errors.js';

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'test') return (await import('./api-test.js')).run(rest);
  throw new CairnError('invalid-argument', 'usage: cairn api test SOURCE.json [--endpoint NAME]');
}
