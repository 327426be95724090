/**
 * The one contract between the UI and whatever hosts the engine: Electron's main process (over
 * IPC) or `cairn serve` (over a WebSocket). Every request names a zod schema for its arguments
 * and the type of its result; every job streams `JobEvent`s tagged with its id.
 *
 * The UI never sends a repository password twice: `connectRepository` hands it to the host,
 * which keeps it for the session, so later requests carry only what they are about.
 *
 * Imports zod and the domain types only, so the renderer, the preload and Node all use it.
 */
import { z } from 'zod';
import type { ActivityLogText, ActivityRun } from './activity.js';
import type { ApiRestorePreview, ApiRestoreReport } from './api-restore.js';
import type { SnapshotComparison } from './comparison.js';
import {
  OVERWRITE_POLICIES,
  type BackupWarning,
  type ErrorKind,
  type JobProgress,
  type ListEntry,
  type Snapshot,
} from './domain.js';
import {
  targetSecretNames,
  type ConnectionTest,
  type HostKeyCheck,
  type TargetSecrets,
} from './targets.js';

// ---- Argument schemas -----------------------------------------------------------------------

/** Client-chosen job ids let the UI subscribe to a job before it starts (no lost events). */
const jobId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'job id: 8–64 letters, digits, - or _');
const location = z.string().trim().min(1, 'Choose where the repository is').max(4096);
const password = z.string().min(1, 'Enter the repository password').max(1024);
const snapshotRef = z.string().regex(/^(latest|[0-9a-f]{4,64})$/, 'a snapshot id or "latest"');
/** A path in a snapshot's restore layout: absolute, forward slashes. */
const treePath = z.string().startsWith('/').max(4096);
/** A path on the machine that runs the engine: absolute, since its working folder means nothing to the user. */
const hostPath = z
  .string()
  .max(4096)
  .regex(
    /^(\/|[A-Za-z]:[\\/]|\\\\)/,
    'Enter a full path, starting at the root (like /home/me/Documents)',
  );
const none = z.object({}).strict();
/** An API source definition as the user pasted or loaded it (JSON text); the session parses it. */
const definitionText = z.string().max(1_000_000);
const endpointName = z.string().min(1).max(200);
/** A run's id in the activity history: its start time and a random suffix. */
const activityRunId = z.string().regex(/^\d{8}T\d{6}-[0-9a-f]{6}$/, 'an activity run id');

const planName = z.string().trim().min(1, 'Name the plan').max(64);
/** The days a weekly plan may run on, Monday first (as `--weekly mon,thu@18:00`). */
export const planWeekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/**
 * As `cairn plan add`: `every` a duration (30m, 2h), `daily` a time (HH:MM), `weekly` days
 * and a time, or a cron expression.
 */
const planSchedule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('every'), every: z.string().trim().max(32) }).strict(),
  z.object({ kind: z.literal('daily'), time: z.string().trim().max(8) }).strict(),
  z
    .object({
      kind: z.literal('weekly'),
      days: z.array(z.enum(planWeekdays)).min(1, 'Choose at least one day').max(7),
      time: z.string().trim().max(8),
    })
    .strict(),
  z.object({ kind: z.literal('cron'), expression: z.string().trim().max(200) }).strict(),
]);
const planTimeZone = z.string().trim().min(1).max(64);
const keepCount = z.number().int().min(-1).max(100_000);
/** A keep-* rule: a count, or the text typed (checked as `--keep-last TEXT` is); empty: none. */
const keepValue = z.union([keepCount, z.string().trim().max(32)]);
/** A plan's keep-* rules (as `cairn plan add --keep-…`). */
const planRetention = {
  keepLast: keepValue.optional(),
  keepHourly: keepValue.optional(),
  keepDaily: keepValue.optional(),
  keepWeekly: keepValue.optional(),
  keepMonthly: keepValue.optional(),
  keepYearly: keepValue.optional(),
  keepWithin: z.string().trim().max(32).optional(),
};
export type PlanKeepRule = Exclude<keyof typeof planRetention, 'keepWithin'>;

export const archiveFormats = ['zip', 'tar.gz'] as const;
/** A remote target's credentials: each a secret (sent once, kept by the host) or a reference. */
const secrets = z.record(z.enum(targetSecretNames), z.string().max(4096)).optional();
const sftpLocation = z
  .string()
  .trim()
  .regex(/^sftp:/, 'an sftp: location')
  .max(4096);
const exportOrder = {
  jobId,
  snapshot: snapshotRef,
  path: treePath.optional(),
  format: z.enum(archiveFormats),
};

/** Which records a restore into an API sends (the CLI's --ids, --changed-since, --deleted-since). */
const recordSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z
    .object({
      kind: z.literal('ids'),
      ids: z
        .array(z.string().trim().min(1).max(200))
        .min(1, 'Choose at least one record')
        .max(10_000),
    })
    .strict(),
  z.object({ kind: z.literal('changed-since'), snapshot: snapshotRef }).strict(),
  z.object({ kind: z.literal('deleted-since'), snapshot: snapshotRef }).strict(),
]);
const apiRestoreOrder = {
  snapshot: snapshotRef,
  /**
   * The source's definition (JSON text) with its `restore` section; without it, the one the
   * snapshot keeps (`/api/<source>/source.json`, what the backup ran with).
   */
  text: definitionText.optional(),
  /** The API source of the snapshot the endpoint belongs to. */
  source: z.string().min(1).max(200),
  endpoint: endpointName,
  selection: recordSelection,
  /**
   * Another server or account than the definition's: its base URL, and the secret that
   * replaces the auth's (a reference like env:NAME, or the value, used for this request only).
   */
  target: z
    .object({
      baseUrl: z.string().trim().url('Enter the base URL, like https://api.example.com').max(2000),
      secret: z.string().min(1).max(4096).optional(),
    })
    .strict()
    .optional(),
};

const schemas = {
  getAppInfo: none,
  getSessionState: none,
  createRepository: z.object({ location, password, secrets }).strict(),
  /** How guessable a new repository's password is, before it is created. */
  ratePassword: z.object({ password }).strict(),
  connectRepository: z.object({ location, password, secrets }).strict(),
  /** Looks at a target before it is used; opens no repository. */
  testTarget: z.object({ location, secrets }).strict(),
  /** An SFTP server's host key, shown before it is trusted; pins nothing. */
  probeHostKey: z.object({ location: sftpLocation }).strict(),
  trustHostKey: z
    .object({ location: sftpLocation, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]+$/) })
    .strict(),
  /** What changed between two snapshots; with `record` (`[SOURCE/]ENDPOINT/ID`), its fields. */
  compareSnapshots: z
    .object({
      snapshotA: snapshotRef,
      snapshotB: snapshotRef,
      record: z.string().min(3).max(2000).optional(),
    })
    .strict(),
  /** Export to an archive file on the host (desktop: chosen in a save dialog). */
  startExport: z.object({ ...exportOrder, output: hostPath }).strict(),
  /**
   * Web mode: an export streamed as a download. Answers a one-time address the page then
   * opens; the job starts when the browser asks for it.
   */
  prepareExportDownload: z.object(exportOrder).strict(),
  /** The dry run of a restore into an API: the requests it would send; sends none. */
  previewApiRestore: z.object(apiRestoreOrder).strict(),
  startApiRestore: z.object({ jobId, ...apiRestoreOrder }).strict(),
  disconnectRepository: none,
  listSnapshots: none,
  /** Damaged repository files met since the repository was opened (each file once). */
  getRepositoryWarnings: none,
  listTree: z.object({ snapshot: snapshotRef, path: treePath }).strict(),
  searchTree: z
    .object({ snapshot: snapshotRef, query: z.string().trim().min(1).max(200) })
    .strict(),
  previewFile: z.object({ snapshot: snapshotRef, path: treePath }).strict(),
  validateApiSource: z.object({ text: definitionText }).strict(),
  /** The "test request": each endpoint's first page, before anything is saved. */
  testApiSource: z
    .object({ text: definitionText, endpoints: z.array(endpointName).max(200).optional() })
    .strict(),
  startBackup: z
    .object({
      jobId,
      paths: z.array(hostPath).max(1000).default([]),
      /** Backed up after the folders, each into its own snapshot (group host:<h>;api:<name>). */
      apiSources: z
        .array(z.object({ text: definitionText }).strict())
        .max(50)
        .default([]),
      excludes: z.array(z.string().min(1).max(1024)).max(1000).optional(),
      tags: z.array(z.string().min(1).max(100)).max(100).optional(),
      forceFull: z.boolean().optional(),
    })
    .strict()
    .refine((args) => args.paths.length + args.apiSources.length > 0, {
      message: 'Add at least one folder or API source',
      path: ['paths'],
    }),
  startRestore: z
    .object({
      jobId,
      snapshot: snapshotRef,
      target: hostPath,
      include: z.array(treePath).max(1000).optional(),
      overwrite: z.enum(OVERWRITE_POLICIES),
    })
    .strict(),
  startCheck: z
    .object({
      jobId,
      readData: z.boolean().optional(),
      readDataSubset: z.number().gt(0).max(100).optional(),
    })
    .strict(),
  /**
   * Repairs the open repository as `cairn repair index` then `repair snapshots` do; a dry run
   * says what would change. readData also salvages packs with damaged blobs (reads every pack).
   */
  startRepair: z.object({ jobId, dryRun: z.boolean(), readData: z.boolean().optional() }).strict(),
  /**
   * Copies snapshots of the open repository into another one. The destination's credentials and
   * password are used for this job only, never kept; `create` makes a new repository there with
   * the source's chunker parameters, so the copies dedup against each other.
   */
  startCopy: z
    .object({
      jobId,
      snapshots: z.array(snapshotRef).min(1, 'Choose at least one snapshot').max(10_000),
      destination: z.object({ location, secrets, password }).strict(),
      create: z.boolean(),
    })
    .strict(),
  cancelJob: z.object({ jobId }).strict(),
  /** Web mode's stand-in for a native folder dialog: lists folders on the server. */
  browseFolders: z.object({ path: hostPath.optional() }).strict(),
  /** Desktop only: native dialogs. Web mode answers with an 'unsupported' error. */
  pickFolder: z.object({ purpose: z.enum(['repository', 'source', 'restore-target']) }).strict(),
  pickSourceDefinition: none,
  /** Desktop only: the native save dialog for an export. */
  pickExportFile: z.object({ suggestedName: z.string().min(1).max(255) }).strict(),
  /** Repositories opened before, newest first (the host adds one on each open or create). */
  listRecentRepositories: none,
  /**
   * Once: the list an older version kept in the browser's storage. Secrets in it are dropped;
   * only this host's own keychain references and plain settings are kept.
   */
  importRecentRepositories: z
    .object({
      repositories: z.array(z.object({ location, credentials: secrets }).strict()).max(50),
    })
    .strict(),
  /**
   * The Sources screen's folders and API source definitions for a repository, kept by the host
   * under CAIRN_HOME. A folder is checked when added (a full path to an existing folder); a
   * definition is kept only when valid and with its secrets as references (`env:`, `file:`,
   * `keychain:`), never written into it.
   */
  listSavedSources: z.object({ location }).strict(),
  addSourceFolder: z.object({ location, path: z.string().trim().min(1).max(4096) }).strict(),
  removeSourceFolder: z.object({ location, path: z.string().max(4096) }).strict(),
  /** Saves a new definition (no `id`) or replaces the one with this id. */
  saveApiSource: z
    .object({ location, id: z.string().min(1).max(64).optional(), text: definitionText })
    .strict(),
  removeApiSource: z.object({ location, id: z.string().min(1).max(64) }).strict(),
  /** Once: folders an older version kept in the browser's storage, taken as they were. */
  importSourceFolders: z
    .object({ location, folders: z.array(z.string().min(1).max(4096)).max(1000) })
    .strict(),
  /** Plan runs and app jobs, newest first, from the history under CAIRN_HOME. */
  listActivity: none,
  getActivityLog: z.object({ id: activityRunId }).strict(),
  /** Backup plans (CAIRN_HOME/config.json), which `cairn serve` and the app run on schedule. */
  listPlans: none,
  /**
   * Creates a plan, or replaces the one named `replaces` (an edit). The password goes to the
   * OS keychain; it may be left out of an edit that keeps the repository.
   */
  savePlan: z
    .object({
      replaces: planName.optional(),
      name: planName,
      repository: location,
      password: password.optional(),
      folders: z.array(z.string().max(4096)).max(100),
      schedule: planSchedule,
      /** The IANA zone the schedule's clock times are in; left out: the host's own. */
      timeZone: planTimeZone.optional(),
      ...planRetention,
      /**
       * API source definitions as typed (JSON text, secrets by reference only); the host keeps
       * each as a definition file under CAIRN_HOME, as `--api SOURCE.json` names one.
       */
      apiSources: z.array(definitionText).max(20).optional(),
      /** As typed for `--api-every` ("15m"): the API sources' own polling interval. */
      apiEvery: z.string().trim().max(16).optional(),
      /** As `--exclude`, one pattern each. */
      excludes: z.array(z.string().max(4096)).max(1000).optional(),
      watch: z.boolean().optional(),
      onlyOnAc: z.boolean().optional(),
      /** As typed for `--verify` ("5%"); left out: no verification. */
      verify: z.string().trim().max(16).optional(),
      /** As typed for `--prune-every`; left out: 1. */
      pruneEvery: z.string().trim().max(16).optional(),
    })
    .strict(),
  /** What is wrong with each folder of a plan being typed (missing, a file, not a full path). */
  checkPlanFolders: z.object({ folders: z.array(z.string().max(4096)).max(100) }).strict(),
  /**
   * What the keep-* rules being typed would keep and remove of the plan's snapshots in its
   * repository (a forget dry run; nothing is removed). The password: as typed, or, for an
   * edit that keeps the repository, the plan's own reference.
   */
  previewRetention: z
    .object({
      name: planName,
      replaces: planName.optional(),
      repository: location,
      password: password.optional(),
      ...planRetention,
    })
    .strict(),
  /** The next runs of a schedule being typed, in its zone (left out: the host's own). */
  previewSchedule: z.object({ schedule: planSchedule, timeZone: planTimeZone.optional() }).strict(),
  runPlanNow: z.object({ name: planName }).strict(),
  pausePlan: z.object({ name: planName }).strict(),
  resumePlan: z.object({ name: planName }).strict(),
  removePlan: z.object({ name: planName }).strict(),
} as const;

// ---- Result types ---------------------------------------------------------------------------

export type AppMode = 'desktop' | 'web';

export interface AppInfo {
  mode: AppMode;
  version: string;
  hostname: string;
  /** The user's home folder, where folder browsers start. */
  home: string;
  /** The repository a first run is offered (in Cairn's data folder), and whether it exists. */
  defaultRepository: { location: string; exists: boolean };
}

export interface PasswordRating {
  /** 0 (guessed at once) … 4; below 3 counts as weak. */
  score: number;
  weak: boolean;
  /** Why it is weak and what helps; null when it is not weak. */
  advice: string | null;
}

export type JobKind = 'backup' | 'restore' | 'check' | 'repair' | 'export' | 'restore-api' | 'copy';
export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobSummary {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  /** Succeeded, but not everything was done (see the `succeeded` event). */
  incomplete?: boolean;
  startedAt: string;
  progress: JobProgress | null;
  /** A plan's run (started by its schedule or Run now), followed and cancelled like a job. */
  plan?: string;
}

export interface SessionState {
  repository: { location: string } | null;
  jobs: JobSummary[];
}

export interface FilePreview {
  path: string;
  size: number;
  /** 'records' for API data (NDJSON), 'text' for readable files, 'binary' otherwise. */
  kind: 'text' | 'records' | 'binary' | 'empty';
  /** The first bytes as text (text and records), or a hex dump (binary). */
  text: string;
  /** Parsed records, pretty-printed, for 'records'. */
  records?: string[];
  truncated: boolean;
}

export interface FolderListing {
  path: string;
  parent: string | null;
  entries: { name: string; path: string }[];
}

export interface ApiSourceValidation {
  /** False when this build has no API source engine to validate against. */
  available: boolean;
  ok: boolean;
  name: string | null;
  endpoints: string[];
  problems: { path: string; message: string }[];
}

export interface ApiEndpointTest {
  endpoint: string;
  /** The request made, secrets redacted; null when none could be made. */
  url: string | null;
  status: number | null;
  /** How many records the first page held. */
  records: number;
  /** The first few of them, pretty-printed JSON. */
  sample: string[];
  /** Where the next page would come from (URL, cursor or body); null on the last page. */
  nextPage: string | null;
  /** Why this endpoint could not be read, in words; null when it could. */
  error: string | null;
}

export interface ApiSourceTest {
  source: string;
  endpoints: ApiEndpointTest[];
}

/** One snapshot a backup job made: of the folders, or of one API source. */
export interface BackupSnapshotMade {
  /** 'folders', or the API source's name. */
  source: string;
  kind: 'folders' | 'api';
  snapshot: Snapshot;
}

export interface RestoreSummary {
  files_restored: number;
  files_skipped: number;
  files_renamed: number;
  bytes_restored: number;
  warnings: BackupWarning[];
  /** Not restored because the repository data they need is damaged; the rest was restored. */
  damaged: BackupWarning[];
}

export interface ExportSummary {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  archive_bytes: number;
  /** The archive's file on the host; null for a download. */
  output: string | null;
  warnings: BackupWarning[];
}

/** A repository file found damaged and worked around (see docs/repository-format.md). */
export interface RepositoryDamage {
  kind: 'snapshot' | 'index' | 'pack';
  id: string;
  /** One line: the file, what was done instead, and what repairs it. */
  message: string;
}

/** What a repair did (or, on a dry run, would do): the CLI's lines for each of its two steps. */
export interface RepairSummary {
  dryRun: boolean;
  /** Snapshots removed or replaced (or that would be); 0: the snapshots needed nothing. */
  snapshotsChanged: number;
  /** Whether data was lost for good (a damaged pack): prune then frees its space. */
  dataLost: boolean;
  index: string[];
  snapshots: string[];
}

export interface CheckSummary {
  ok: boolean;
  snapshots: number;
  packs: number;
  packs_read: number;
  blobs: number;
  problems: { kind: string; id: string; message: string }[];
}

interface Results {
  getAppInfo: AppInfo;
  getSessionState: SessionState;
  createRepository: { id: string; location: string; secrets?: SecretsKept };
  connectRepository: { location: string; snapshots: number; secrets?: SecretsKept };
  testTarget: ConnectionTest;
  probeHostKey: HostKeyCheck;
  trustHostKey: HostKeyCheck;
  compareSnapshots: SnapshotComparison;
  startExport: { jobId: string };
  prepareExportDownload: { jobId: string; url: string; filename: string };
  previewApiRestore: ApiRestorePreview;
  startApiRestore: { jobId: string };
  ratePassword: PasswordRating;
  disconnectRepository: null;
  listSnapshots: Snapshot[];
  getRepositoryWarnings: RepositoryDamage[];
  listTree: ListEntry[];
  searchTree: { entries: ListEntry[]; truncated: boolean };
  previewFile: FilePreview;
  validateApiSource: ApiSourceValidation;
  testApiSource: ApiSourceTest;
  startBackup: { jobId: string };
  startRestore: { jobId: string };
  startCheck: { jobId: string };
  startRepair: { jobId: string };
  startCopy: { jobId: string };
  cancelJob: { cancelled: boolean };
  browseFolders: FolderListing;
  pickFolder: { path: string | null };
  pickSourceDefinition: { path: string; text: string } | null;
  pickExportFile: { path: string | null };
  listRecentRepositories: RecentRepository[];
  importRecentRepositories: { imported: number };
  listSavedSources: SavedSources;
  addSourceFolder: SavedSources;
  removeSourceFolder: SavedSources;
  saveApiSource: { id: string };
  removeApiSource: null;
  importSourceFolders: { imported: number };
  listActivity: ActivityRun[];
  getActivityLog: ActivityLogText;
  listPlans: PlanSummary[];
  savePlan: PlanSummary;
  previewSchedule: SchedulePreview;
  checkPlanFolders: { folder: string; problem: string }[];
  previewRetention: RetentionPreview;
  runPlanNow: { started: boolean };
  pausePlan: PlanSummary;
  resumePlan: PlanSummary;
  removePlan: null;
}

export type PlanHealthWord = 'ok' | 'paused' | 'failing' | 'overdue' | 'waiting' | 'by hand';
export type PlanScheduleInput = z.infer<typeof planSchedule>;

/** A plan as the Plans screen shows it; its password only as a keychain reference. */
export interface PlanSummary {
  name: string;
  repository: string;
  folders: string[];
  schedule: PlanScheduleInput | null;
  /** "every 1m", "daily at 02:30". */
  scheduleText: string;
  timeZone: string;
  keepLast: number | null;
  keepDaily: number | null;
  keepHourly: number | null;
  keepWeekly: number | null;
  keepMonthly: number | null;
  keepYearly: number | null;
  keepWithin: string | null;
  excludes: string[];
  watch: boolean;
  onlyOnAc: boolean;
  verifyPercent: number | null;
  /** Prune after every Nth run that forgot snapshots (0: never). */
  pruneEvery: number;
  /** Each API source's definition (JSON text, as its file holds it; empty when unreadable). */
  apiSources: string[];
  /** The API sources' own polling interval ("15m"), or null. */
  apiEvery: string | null;
  /**
   * Commands run before and after each backup (`--before`, `--after`); null: none. Set with the
   * CLI only: a command the schedule runs is more than a browser session should be able to add.
   */
  before: string | null;
  after: string | null;
  paused: boolean;
  health: PlanHealthWord;
  /** Local time ("2026-12-05 02:30:00") on the plan's clock; null: never ran. */
  lastRun: string | null;
  lastResult: 'ok' | 'incomplete' | 'failed' | 'cancelled' | 'skipped' | null;
  /** The next few runs, local time; empty when paused. */
  nextRuns: string[];
  /**
   * Set when the plan has gone three of its intervals without a completed backup: since when
   * (local time of its last completed backup, or of its creation when it never completed one).
   */
  overdue: { since: string; neverCompleted: boolean } | null;
}

/** A forget dry run on a plan's snapshots, newest first; times local, on the plan's clock. */
export interface RetentionPreview {
  /** False: no keep-* rule is set, so everything is kept. */
  rules: boolean;
  kept: { id: string; time: string; reasons: string[] }[];
  removed: { id: string; time: string }[];
}

export interface SchedulePreview {
  text: string;
  runs: string[];
}

/** A repository opened before, and for a remote one its settings and keychain references. */
export interface RecentRepository {
  location: string;
  credentials: TargetSecrets;
}

/** What the Sources screen backs up into one repository, as the host keeps it. */
export interface SavedSources {
  folders: string[];
  apiSources: { id: string; text: string }[];
}

/**
 * What the host kept of a repository's credentials: references to give next time (never the
 * secrets), and whether they outlive the session (false when no OS keychain could be used).
 */
export interface SecretsKept {
  references: Partial<Record<(typeof targetSecretNames)[number], string>>;
  remembered: boolean;
}

// ---- Requests -------------------------------------------------------------------------------

export type RequestName = keyof typeof schemas;
export type ArgsOf<N extends RequestName> = z.input<(typeof schemas)[N]>;
export type ParsedArgsOf<N extends RequestName> = z.output<(typeof schemas)[N]>;
export type ResultOf<N extends RequestName> = Results[N];

export const requestSchemas: { readonly [N in RequestName]: (typeof schemas)[N] } = schemas;
export const requestNames = Object.keys(schemas) as RequestName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(schemas, name);
}

// ---- Errors ---------------------------------------------------------------------------------

/**
 * A closed list: the renderer words each kind (errors/user-message.ts), and typecheck fails
 * when a kind is added here without words there. The engine's kinds, then the hosts' own:
 * no repository open, a feature this host lacks, the web UI's server gone.
 */
export type ContractErrorKind = ErrorKind | 'not-connected' | 'unsupported' | 'disconnected';

/**
 * An error as the UI receives it. `kind` picks the words the UI shows; `message` is the engine's
 * one-line account (shown under "Details" with `detail`). Never contains secrets.
 */
export interface ContractError {
  kind: ContractErrorKind;
  message: string;
  detail?: string;
}

/** Hosts answer every request with an envelope so errors keep their kind across IPC. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractError };

// ---- Events ---------------------------------------------------------------------------------

export type JobResult =
  | {
      kind: 'backup';
      /** The first snapshot made (the folders' when there were folders). */
      snapshot: Snapshot;
      /** Every snapshot made, in order; check each one's `incomplete`. */
      snapshots: BackupSnapshotMade[];
      /** API sources that made no snapshot at all, and why. */
      failedSources: { source: string; message: string }[];
      warnings: BackupWarning[];
    }
  | { kind: 'restore'; summary: RestoreSummary }
  | { kind: 'check'; report: CheckSummary }
  | { kind: 'repair'; summary: RepairSummary }
  | { kind: 'export'; summary: ExportSummary }
  | { kind: 'restore-api'; report: ApiRestoreReport }
  | { kind: 'copy'; summary: CopySummary };

/** What a copy did; snapshots are named by id (source) and the id of the copy. */
export interface CopySummary {
  /** The destination's location, a password in it replaced by `***`. */
  destination: string;
  /** Whether the job created the destination repository. */
  created: boolean;
  copied: Array<{ source: string; copy: string }>;
  /** Snapshots the destination already held a copy of. */
  skipped: Array<{ source: string; copy: string }>;
  blobs_added: number;
  bytes_added: number;
  packs_written: number;
}

export type JobEvent =
  /** `plan`: a plan's run in the host (its schedule or Run now), not a job started here. */
  | { type: 'started'; jobId: string; kind: JobKind; startedAt: string; plan?: string }
  | { type: 'progress'; jobId: string; progress: JobProgress }
  | { type: 'log'; jobId: string; level: 'info' | 'warning'; message: string }
  /**
   * `incomplete`: done, but not everything was (the CLI's exit 3): a restore that left out
   * damaged or refused entries, a backup whose snapshot is incomplete or whose source failed.
   */
  | { type: 'succeeded'; jobId: string; result: JobResult; incomplete?: boolean }
  | { type: 'failed'; jobId: string; error: ContractError }
  | { type: 'cancelled'; jobId: string };

// ---- Transports -----------------------------------------------------------------------------

/** IPC channel names: one per request, one for job events. */
export const requestChannel = (name: RequestName): string => `cairn:${name}`;
export const jobEventChannel = 'cairn:job-event';

/** What the preload exposes as `window.cairn`: each request by name, and job events. */
export type CairnBridge = {
  readonly [N in RequestName]: (args: ArgsOf<N>) => Promise<Envelope<ResultOf<N>>>;
} & {
  onJobEvent(listener: (event: JobEvent) => void): () => void;
};

/** WebSocket frames of web mode. */
export type SocketRequest = { id: number; method: RequestName; args: unknown };
export type SocketMessage = { id: number; response: Envelope<unknown> } | { event: JobEvent };
