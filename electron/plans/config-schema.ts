/**
 * Cairn's configuration file (`CAIRN_HOME/config.json`), format version 2:
 *
 *   { "version": 2, "plans": [Plan, …], "recentRepositories": [LOC, …],
 *     "repositoryCredentials": { LOC: { NAME: VALUE, … }, … },
 *     "sources": { LOC: { "folders": [PATH, …], "apiSources": [{ "id", "text" }, …] }, … } }
 *
 * `recentRepositories` lists repositories opened before, newest first (the app's connect
 * screen, `cairn plan add`). `repositoryCredentials` (optional) holds, for a remote one, what
 * the app needs to open it again: settings (region, user, key file) and, for each secret, a
 * `keychain:` reference — never the secret.
 * `sources` (optional) holds what the app's Sources screen backs up into each repository with
 * "Back up now": absolute folder paths, and API source definitions as the user wrote them
 * (only valid ones, and only with secrets as references; see session/saved-sources.ts).
 * Version 1 is version 2 without `sources`; it is read as version 2 and written as such.
 * A plan ties sources (folders with excludes, API source definition files) to one
 * repository, whose password is a secret reference (`keychain:ENTRY`, `env:NAME`,
 * `file:PATH`), never the password. Unknown fields are refused, so a typo is reported rather
 * than ignored; a newer version is refused rather than misread.
 */
import { z } from 'zod';
import { secretTargetSettings, targetSecretNames } from '../../shared/targets.js';

export const CONFIG_VERSION = 2;

export const SECRET_REFERENCE = /^(keychain|env|file):.+$/s;
export const PLAN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const count = z.number().int().min(-1);

export const scheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('manual') }).strict(),
  z.object({ type: z.literal('every'), seconds: z.number().int().min(1) }).strict(),
  z.object({ type: z.literal('daily'), time: z.string().regex(TIME, 'must be HH:MM') }).strict(),
  z
    .object({
      type: z.literal('weekly'),
      days: z.array(z.enum(WEEKDAYS)).min(1),
      time: z.string().regex(TIME, 'must be HH:MM'),
    })
    .strict(),
  z.object({ type: z.literal('cron'), expression: z.string().min(1) }).strict(),
]);

export const retentionSchema = z
  .object({
    keepLast: count.optional(),
    keepHourly: count.optional(),
    keepDaily: count.optional(),
    keepWeekly: count.optional(),
    keepMonthly: count.optional(),
    keepYearly: count.optional(),
    keepWithin: z.string().optional(),
    keepTag: z.array(z.string()).optional(),
  })
  .strict();

export const planSchema = z
  .object({
    name: z.string().regex(PLAN_NAME, 'letters, digits, ".", "_" or "-", at most 64'),
    repository: z.string().min(1),
    password: z
      .string()
      .regex(SECRET_REFERENCE, 'must be a secret reference: keychain:ENTRY, env:NAME or file:PATH'),
    /** Absolute paths of the folders (or files) backed up. */
    folders: z.array(z.string().min(1)),
    /** Exclude patterns (as `cairn backup --exclude`), for every folder of the plan. */
    excludes: z.array(z.string()),
    /** Absolute paths of API source definition files, read at each run. */
    apiSources: z.array(z.string().min(1)),
    schedule: scheduleSchema,
    /** IANA zone the schedule's clock times are in. */
    timeZone: z.string().min(1),
    /** Run when files change in the folders too (debounced; see scheduler.ts). */
    watch: z.boolean(),
    /**
     * The API sources are polled on this interval of their own, into snapshots of their own
     * (group `…;plan:NAME;part:api`); the plan's runs then back up its folders only.
     */
    apiEverySeconds: z.number().int().min(60).optional(),
    /** Scheduled and watch-triggered runs wait while the machine runs on battery. */
    onlyOnAc: z.boolean().optional(),
    retention: retentionSchema,
    /** Prune after every Nth run that forgot snapshots (0: never). */
    pruneEvery: z.number().int().min(0),
    /** Percentage of packs read by each run's check; null: no check. */
    verifyPercent: z.number().gt(0).max(100).nullable(),
    before: z.string().optional(),
    after: z.string().optional(),
    paused: z.boolean(),
    created: z.string(),
  })
  .strict();

/** A remote repository's settings and secret references, by the CLI's variable names. */
export const repositoryCredentialsSchema = z
  .record(z.enum(targetSecretNames), z.string().min(1))
  .superRefine((credentials, ctx) => {
    for (const name of secretTargetSettings) {
      const value = credentials[name];
      if (value !== undefined && !SECRET_REFERENCE.test(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'must be a secret reference: keychain:ENTRY, env:NAME or file:PATH',
        });
      }
    }
  });

/** The Sources screen's sources for one repository. */
export const savedSourcesSchema = z
  .object({
    folders: z.array(z.string().min(1)),
    apiSources: z.array(z.object({ id: z.string().min(1), text: z.string().min(1) }).strict()),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION),
    plans: z.array(planSchema),
    recentRepositories: z.array(z.string()),
    repositoryCredentials: z.record(z.string(), repositoryCredentialsSchema).optional(),
    sources: z.record(z.string(), savedSourcesSchema).optional(),
  })
  .strict();

/** An older format's file, as the current one (nothing else changes: it is checked as usual). */
export function upgradeConfig(json: unknown): unknown {
  const older = json as { version?: unknown; sources?: unknown } | null;
  if (older?.version === 1 && older.sources === undefined) return { ...older, version: 2 };
  return json;
}

export type Schedule = z.infer<typeof scheduleSchema>;
export type Retention = z.infer<typeof retentionSchema>;
export type Plan = z.infer<typeof planSchema>;
export type Config = z.infer<typeof configSchema>;
export type RepositoryCredentials = z.infer<typeof repositoryCredentialsSchema>;
export type SavedSources = z.infer<typeof savedSourcesSchema>;

export function emptyConfig(): Config {
  return { version: CONFIG_VERSION, plans: [], recentRepositories: [] };
}

/** The first problems zod found, as "plans[0].schedule.time: must be HH:MM; …". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const at = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`))
        .join('');
      return `${at || 'file'}: ${issue.message}`;
    })
    .join('; ');
}
