/**
 * Argument parsing on node:util's parseArgs, with one-line errors a person can act on.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CairnError } from '../engine/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional.*$/s, '').split('\n')[0];
    throw new CairnError('invalid-argument', `${msg}\nusage: ${usage}`);
  }
}

export function requireRepo(repo: string | undefined, usage: string): string {
  if (repo) return repo;
  if (process.env.CAIRN_REPOSITORY) return process.env.CAIRN_REPOSITORY;
  throw new CairnError('invalid-argument', `--repo LOC is required\nusage: ${usage}`);
}

export const repoOption = { repo: { type: 'string', short: 'r' } } as const;
export const jsonOption = { json: { type: 'boolean' } } as const;
/** restic's --no-lock: read a repository that cannot be written (commands that only read). */
export const noLockOption = { 'no-lock': { type: 'boolean' } } as const;
