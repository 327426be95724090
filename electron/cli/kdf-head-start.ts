/**
 * Which repository a command will open, so the key derivation can start before the engine
 * loads (engine/crypto/kdf-head-start.ts): the one named by --repo (or CAIRN_REPOSITORY), for
 * the commands that open exactly one, when the password comes from CAIRN_PASSWORD or
 * CAIRN_PASSWORD_FILE — a password typed at a prompt comes too late to help.
 */
import { keepParamsFor, startDerivationFor } from '../engine/startup.js';
import { givenPassword } from './password.js';

/** `init` has no key yet; `copy` opens two repositories. */
const OPENING_ONE_REPOSITORY = new Set([
  'backup',
  'snapshots',
  'ls',
  'restore',
  'restore-api',
  'diff',
  'export',
  'check',
  'forget',
  'prune',
  'repair',
  'key',
]);

/** Starts the derivation `command` is expected to ask for; returns its repository's location. */
export function startKdfHeadStart(command: string, args: readonly string[]): string | undefined {
  if (!OPENING_ONE_REPOSITORY.has(command)) return undefined;
  const location = repoArgument(args) ?? process.env.CAIRN_REPOSITORY;
  if (!location) return undefined;
  const password = givenPassword();
  if (password !== undefined) startDerivationFor(location, password);
  return location;
}

/** After the command: keeps the parameters of the key slot it opened, for the next run. */
export function keepKdfParams(location: string | undefined): void {
  if (location) keepParamsFor(location);
}

/** `--repo LOC`, `--repo=LOC` or `-r LOC` among the command's arguments. */
function repoArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    if (a === '--repo' || a === '-r') return args[i + 1];
    if (a.startsWith('--repo=')) return a.slice('--repo='.length);
  }
  return undefined;
}
