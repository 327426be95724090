#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * `cairn`: dispatches to one command module; prints one-line errors with the exit codes of README.md ("Exit codes").
 *
 * The main thread runs a lane of work in most commands, and its young generation would grow to
 * V8's default 16 MB for objects that mostly die young anyway. V8 sizes it only when the
 * process starts, so the limit is in the line above (and in package.json's `cairn` script);
 * measured: 2–4 MB less peak memory in a restore, the same speed. Workers set their own.
 */
// Only small modules here: the engine loads with the command, after the key derivation started.
import { CairnError } from '../engine/errors.js';
import { PROGRAM_VERSION, shareMainThread } from '../engine/startup.js';
import { keepKdfParams, startKdfHeadStart } from './kdf-head-start.js';
import { takeTransferLimits } from './transfer-limits.js';

type Command = { run(argv: string[]): Promise<number> };

const commands: Record<string, () => Promise<Command>> = {
  init: () => import('./commands/init.js'),
  backup: () => import('./commands/backup.js'),
  snapshots: () => import('./commands/snapshots.js'),
  ls: () => import('./commands/ls.js'),
  restore: () => import('./commands/restore.js'),
  'restore-api': () => import('./commands/restore-api.js'),
  diff: () => import('./commands/diff.js'),
  export: () => import('./commands/export.js'),
  check: () => import('./commands/check.js'),
  key: () => import('./commands/key.js'),
  forget: () => import('./commands/forget.js'),
  prune: () => import('./commands/prune.js'),
  copy: () => import('./commands/copy.js'),
  repair: () => import('./commands/repair.js'),
  serve: () => import('./commands/serve.js'),
  secret: () => import('./commands/secret.js'),
  api: () => import('./commands/api.js'),
  plan: () => import('./commands/plan.js'),
  activity: () => import('./commands/activity.js'),
  config: () => import('./commands/config.js'),
};

const HELP = `cairn ${PROGRAM_VERSION} — encrypted, deduplicated backups of folders and REST APIs

usage: cairn COMMAND [options]

  init       --repo LOC                         create a repository
  backup     PATH... --repo LOC                 back up folders (--exclude, --tag, --force-full, --json)
  backup     --api SOURCE.json --repo LOC       back up a REST API (--endpoint NAME, --full-sync, --json)
  snapshots  --repo LOC                         list snapshots (--json)
  ls         SNAPSHOT [PATH] --repo LOC         list files in a snapshot (--json)
  restore    SNAPSHOT --target DIR --repo LOC   restore (--include PATH, --overwrite skip|always|rename)
  restore-api SNAPSHOT --endpoint NAME --repo LOC
             put records back into an API (--api SOURCE.json or the definition kept in the
             snapshot, --source NAME, --ids, --changed-since, --deleted-since, --base-url,
             --target-secret, --dry-run, --json)
  diff       SNAP_A SNAP_B --repo LOC           what changed: files, API records (--record ENDPOINT/ID, --json)
  export     SNAPSHOT [PATH] --repo LOC         a zip or tar.gz archive (--format zip|tar.gz, --output FILE|-)
  check      --repo LOC                         verify the repository (--read-data, --read-data-subset N%)
  forget     --repo LOC --keep-… [--prune]       remove snapshots by retention policy (--dry-run, --json)
  prune      --repo LOC                         delete data no snapshot uses
  copy       SNAPSHOT... --repo LOC --to LOC2   copy snapshots to another repository (its password:
                                                CAIRN_PASSWORD2, else the same; --json)
  repair     index|snapshots --repo LOC         rebuild the index from the packs, or remove what is
                                                lost from snapshots (--dry-run, --json; index:
                                                --read-data also salvages damaged packs)
  key        list|add|passwd|remove ID --repo LOC  manage passwords (new one: CAIRN_NEW_PASSWORD or asked;
                                                remove: not the key this password opens, nor the last)
  api test   SOURCE.json [--endpoint NAME]     show each endpoint's first page, saving nothing
  secret     set|get|delete ENTRY               manage secrets in the OS keychain (keychain:ENTRY)
  serve      [--port N] [--host 127.0.0.1]      the web UI and the plans' scheduler; prints its address
  plan       add NAME --repo LOC [PATH]... --password-ref REF [--every D|--daily HH:MM|…]
             list | show NAME | run NAME | pause NAME | resume NAME | remove NAME   (--json)
  activity   [--plan NAME] [--json]             every plan run, its result and log
  config     export FILE | import FILE          plans and settings (secret references only)

The password comes from CAIRN_PASSWORD, CAIRN_PASSWORD_FILE, or is asked for.
--limit-upload KIB and --limit-download KIB bound the transfer to a remote target (KiB/s).
--no-lock lets snapshots, ls, restore and check read a repository without locking it (a
repository on a read-only disk is read that way by itself).
SNAPSHOT is an id, a unique id prefix, or latest.`;

async function main(argv: string[]): Promise<number> {
  // More libuv threads than the default 4: backup and restore keep many small file operations
  // in flight, and the pool is only created on first use, so setting it here still counts.
  process.env.UV_THREADPOOL_SIZE ??= '12';
  // A command runs alone in this process, so its main thread can take a share of the work.
  // `serve` answers requests and must stay responsive.
  if (argv[0] !== 'serve') shareMainThread();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP + '\n');
    return name ? 0 : 1;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`cairn ${PROGRAM_VERSION}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`cairn: unknown command ${JSON.stringify(name)}; see cairn --help\n`);
    return 1;
  }
  const kept = startKdfHeadStart(name, rest);
  try {
    return await (await load()).run(takeTransferLimits(rest));
  } finally {
    keepKdfParams(kept);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CairnError) {
      process.stderr.write(`cairn: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      const e = err as NodeJS.ErrnoException;
      process.stderr.write(`cairn: ${e?.message ?? String(err)}\n`);
      if (process.env.CAIRN_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
      process.exitCode = 1;
    }
  },
);
