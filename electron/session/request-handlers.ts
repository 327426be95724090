/**
 * The contract's requests, implemented over the engine. Arguments arrive already validated;
 * each handler only translates between the contract and the EngineService.
 */
import { homedir, hostname } from 'node:os';
import type { ParsedArgsOf, RequestName, ResultOf, SecretsKept } from '../../shared/contract.js';
import type {
  EngineService,
  JobControl,
  RepositoryRef,
  RepositoryWarning,
} from '../engine/service-types.js';
import type { Writable } from 'node:stream';
import type { JobResult } from '../../shared/contract.js';
import { parseDefinitionText, testSampleSize, toSourceTest } from './api-source-definitions.js';
import { validateApiSourceText } from './api-source-validation.js';
import { logWarnings, runBackupJob } from './backup-job.js';
import { toComparison } from './comparison.js';
import { apiRestoreRequest, toPreview, toReport } from './api-restore.js';
import { repairRepository } from './repair.js';
import { archiveName, downloadPath, type ExportDownloads } from './export-downloads.js';
import { listFolders } from './folder-browser.js';
import { buildPreview, previewBytes } from './file-preview.js';
import type { HostPlatform } from './host-platform.js';
import type { JobHistory } from './job-history.js';
import type { JobLog, JobRegistry, JobWork } from './job-registry.js';
import type { PlanJobs } from '../plans/plan-jobs.js';
import { planJobSummary } from './plan-job-events.js';
import { folderProblems, type Plans } from './plans.js';
import type { RecentRepositories } from './recent-repositories.js';
import type { SavedSources } from './saved-sources.js';
import { redactLocation } from '../engine/service.js';
import { keepSecrets } from './repository-secrets.js';
import { ContractFailure } from './to-contract-error.js';
import { TreeCache } from './tree-cache.js';
import { TreeSearch } from './tree-search.js';

export type RequestHandlers = {
  [N in RequestName]: (args: ParsedArgsOf<N>) => Promise<ResultOf<N>>;
};

/** The repository the UI is connected to; the password stays on this side of the contract. */
export interface RepositoryHolder {
  current: RepositoryRef | null;
}

/** What the session keeps under CAIRN_HOME; null where it keeps nothing (tests). */
export interface SessionStores {
  recent: RecentRepositories | null;
  history: JobHistory | null;
  plans?: Plans | null;
  sources?: SavedSources | null;
  /** Plan runs in this process, followed and cancelled as jobs. */
  planJobs?: PlanJobs | null;
}

export function createRequestHandlers(
  engine: EngineService,
  platform: HostPlatform,
  jobs: JobRegistry,
  holder: RepositoryHolder,
  downloads: ExportDownloads,
  stores: SessionStores = { recent: null, history: null },
): RequestHandlers {
  const { recent, history } = stores;
  const plans = (): Plans => {
    if (!stores.plans) throw new ContractFailure('unsupported', 'Plans need Cairn’s data folder.');
    return stores.plans;
  };
  /** Remembering is a convenience: a damaged configuration must not stop an open that worked. */
  const remember = async (location: string, kept: SecretsKept): Promise<void> => {
    await recent?.remember(location, kept.remembered ? kept.references : {}).catch(() => undefined);
  };
  const sources = (): SavedSources => {
    if (!stores.sources)
      throw new ContractFailure('unsupported', 'Saved sources need Cairn’s data folder.');
    return stores.sources;
  };
  const repo = (): RepositoryRef => {
    if (holder.current === null) {
      throw new ContractFailure('not-connected', 'Open a repository first.');
    }
    return holder.current;
  };
  const search = new TreeSearch((snapshot) => engine.listTree(repo(), snapshot, '/', true));
  const trees = new TreeCache();
  const listSnapshotFolder = (ref: RepositoryRef, snapshot: string, path: string) =>
    trees.list(ref.location, snapshot, path, () =>
      engine.listTree(ref, snapshot, path, false, watching),
    );
  // Damage the engine worked around, each file once, until another repository is opened.
  const damage = new Map<string, RepositoryWarning>();
  const noteDamage = (warning: RepositoryWarning): void => {
    damage.set(`${warning.kind}/${warning.id}`, warning);
  };
  const watching: JobControl = { onWarning: noteDamage };
  /** A job's control that also notes damage and says so in the job's log. */
  const jobWatching = <C extends JobControl>(control: C, log: JobLog): C => ({
    ...control,
    onWarning: (warning: RepositoryWarning) => {
      noteDamage(warning);
      log('warning', warning.message);
    },
  });
  /** A restore's definition: the text given, else none (the snapshot's own is used). */
  const restoreDefinition = (text: string | undefined) =>
    text === undefined || text.trim() === ''
      ? Promise.resolve(undefined)
      : parseDefinitionText(engine, text);
  const unsupported = (what: string): never => {
    throw new ContractFailure('unsupported', `${what} is only available in the desktop app.`);
  };
  /** The app trusts an SFTP server only once the person confirmed its host key's fingerprint. */
  const requireTrustedHost = async (location: string): Promise<void> => {
    if (!/^sftp:/i.test(location)) return;
    const key = await engine.probeHostKey(location);
    if (key.status === 'known') return;
    throw new ContractFailure(
      'host-key-unknown',
      key.status === 'new'
        ? `The server's host key (${key.fingerprint}) is not trusted yet. Check it and trust it first.`
        : `The server's host key changed: it now shows ${key.fingerprint}, but ${key.pinned.join(', ')} is trusted.`,
    );
  };
  const exportWork =
    (
      ref: RepositoryRef,
      order: { snapshot: string; path?: string | undefined; format: 'zip' | 'tar.gz' },
      output: string | Writable,
    ): JobWork =>
    async (control, log: JobLog): Promise<JobResult> => {
      const what = order.path && order.path !== '/' ? `${order.path} of snapshot` : 'snapshot';
      log('info', `Exporting ${what} ${order.snapshot.slice(0, 8)} as ${order.format}`);
      const summary = await engine.export(
        ref,
        {
          snapshot: order.snapshot,
          format: order.format,
          output,
          ...(order.path ? { path: order.path } : {}),
        },
        control,
      );
      logWarnings(summary.warnings, log);
      return { kind: 'export', summary };
    };

  return {
    async getAppInfo() {
      return {
        mode: platform.mode,
        version: platform.version,
        hostname: hostname(),
        home: homedir(),
        defaultRepository: await engine.defaultRepository(),
      };
    },
    async getSessionState() {
      const current = holder.current;
      return {
        repository: current === null ? null : { location: current.location },
        jobs: [...jobs.summaries(), ...(stores.planJobs?.running() ?? []).map(planJobSummary)],
      };
    },
    async createRepository({ location, password, secrets }) {
      await requireTrustedHost(location);
      const { forEngine, kept } = await keepSecrets(engine, location, secrets);
      const ref = { location, password, secrets: forEngine };
      const { id } = await engine.initRepository(ref);
      holder.current = ref;
      damage.clear();
      await remember(location, kept);
      return { id, location, secrets: kept };
    },
    async ratePassword({ password }) {
      return engine.ratePassword(password);
    },
    async connectRepository({ location, password, secrets }) {
      await requireTrustedHost(location);
      const { forEngine, kept } = await keepSecrets(engine, location, secrets);
      const ref = { location, password, secrets: forEngine };
      damage.clear();
      const snapshots = await engine.listSnapshots(ref, watching);
      holder.current = ref;
      await remember(location, kept);
      return { location, snapshots: snapshots.length, secrets: kept };
    },
    async testTarget({ location, secrets }) {
      await requireTrustedHost(location);
      const { forEngine } = await keepSecrets(engine, location, secrets, false);
      return engine.testConnection({ location, secrets: forEngine });
    },
    async probeHostKey({ location }) {
      return engine.probeHostKey(location);
    },
    async trustHostKey({ location, fingerprint }) {
      return engine.trustHostKey(location, fingerprint);
    },
    async compareSnapshots({ snapshotA, snapshotB, record }) {
      const result = await engine.diff(repo(), {
        snapshotA,
        snapshotB,
        ...(record !== undefined ? { record } : {}),
      });
      return toComparison(result);
    },
    async startExport({ jobId, output, ...order }) {
      const ref = repo();
      jobs.start(jobId, 'export', exportWork(ref, order, output));
      return { jobId };
    },
    async prepareExportDownload({ jobId, ...order }) {
      if (platform.mode !== 'web') return unsupported('A download');
      const ref = repo();
      const filename = archiveName(order.snapshot, order.path, order.format);
      let deliver: (out: Writable) => void = () => undefined;
      const delivered = new Promise<Writable>((resolve) => (deliver = resolve));
      const ticket = downloads.add({
        jobId,
        filename,
        contentType: order.format === 'zip' ? 'application/zip' : 'application/gzip',
        run: (out) => deliver(out),
      });
      jobs.start(jobId, 'export', async (control, log) => {
        let out: Writable;
        try {
          out = await downloads.opened(ticket, delivered, control.signal);
        } catch (err) {
          log('warning', err instanceof Error ? err.message : String(err));
          throw err;
        }
        // The browser cancelled the download, or the connection dropped.
        out.once('close', () => {
          if (!out.writableFinished) jobs.cancel(jobId);
        });
        try {
          const result = await exportWork(ref, order, out)(control, log);
          out.end();
          return result;
        } catch (err) {
          out.destroy();
          throw err;
        }
      });
      return { jobId, url: `${downloadPath}${ticket}`, filename };
    },
    async previewApiRestore(order) {
      const definition = await restoreDefinition(order.text);
      const result = await engine.restoreApi(
        repo(),
        { ...apiRestoreRequest(definition, order), dryRun: true },
        watching,
      );
      return toPreview(result);
    },
    async startApiRestore({ jobId, ...order }) {
      const ref = repo();
      const definition = await restoreDefinition(order.text);
      const request = apiRestoreRequest(definition, order);
      jobs.start(jobId, 'restore-api', async (control, log) => {
        log(
          'info',
          `Restoring ${order.source}/${order.endpoint} of snapshot ${order.snapshot.slice(0, 8)}${definition ? '' : ' with the definition the snapshot keeps'}`,
        );
        const report = toReport(await engine.restoreApi(ref, request, jobWatching(control, log)));
        for (const f of report.failed.slice(0, 100))
          log('warning', `${f.endpoint}/${f.id} not restored: ${f.reason ?? 'failed'}`);
        return { kind: 'restore-api', report };
      });
      return { jobId };
    },
    async disconnectRepository() {
      holder.current = null;
      damage.clear();
      await engine.close(); // the key leaves memory with the repository
      return null;
    },
    async listSnapshots() {
      return engine.listSnapshots(repo(), watching);
    },
    async getRepositoryWarnings() {
      return [...damage.values()].map(({ kind, id, message }) => ({ kind, id, message }));
    },
    async listTree({ snapshot, path }) {
      return listSnapshotFolder(repo(), snapshot, path);
    },
    async searchTree({ snapshot, query }) {
      return search.search(snapshot, query);
    },
    async previewFile({ snapshot, path }) {
      const ref = repo();
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      const entry = (await listSnapshotFolder(ref, snapshot, parent)).find((e) => e.path === path);
      if (entry === undefined || entry.type !== 'file') {
        throw new ContractFailure('path-not-found', `There is no file ${path} in this snapshot.`);
      }
      const head = await engine.readFile(ref, snapshot, path, { offset: 0, length: previewBytes });
      return buildPreview(path, entry.size, head);
    },
    async validateApiSource({ text }) {
      return validateApiSourceText(text, engine);
    },
    async testApiSource({ text, endpoints }) {
      const definition = await parseDefinitionText(engine, text);
      const probes = await engine.testApiSource(definition, {
        endpoints,
        sampleSize: testSampleSize,
      });
      return toSourceTest(definition.name, probes);
    },
    async startBackup({ jobId, paths, apiSources, excludes, tags, forceFull }) {
      const ref = repo();
      // Every definition is checked before the job starts, so a typo fails the request, not
      // the backup halfway through.
      const definitions = await Promise.all(
        apiSources.map((source, i) =>
          parseDefinitionText(engine, source.text, `API source ${i + 1}`),
        ),
      );
      const names = definitions.map((d) => d.name);
      const twice = names.find((name, i) => names.indexOf(name) !== i);
      if (twice !== undefined) {
        throw new ContractFailure('invalid-argument', `Two API sources are named ${twice}.`);
      }
      jobs.start(jobId, 'backup', (control, log) =>
        runBackupJob(
          engine,
          ref,
          { paths, definitions, excludes, tags, forceFull },
          jobWatching(control, log),
          log,
        ),
      );
      return { jobId };
    },
    async startRestore({ jobId, snapshot, target, include, overwrite }) {
      const ref = repo();
      jobs.start(jobId, 'restore', async (control, log) => {
        log('info', `Restoring snapshot ${snapshot.slice(0, 8)} to ${target}`);
        const summary = await engine.restore(
          ref,
          { snapshot, target, include, overwrite },
          jobWatching(control, log),
        );
        logWarnings(summary.warnings, log);
        logWarnings(
          summary.damaged.map((d) => ({ ...d, message: `not restored, damaged: ${d.message}` })),
          log,
        );
        return { kind: 'restore', summary };
      });
      return { jobId };
    },
    async startCheck({ jobId, readData, readDataSubset }) {
      const ref = repo();
      jobs.start(jobId, 'check', async (control) => {
        const report = await engine.check(ref, { readData, readDataSubset }, control);
        return { kind: 'check', report };
      });
      return { jobId };
    },
    async startRepair({ jobId, dryRun, readData }) {
      const ref = repo();
      jobs.start(jobId, 'repair', async (control, log) => {
        const summary = await repairRepository(engine, ref, { dryRun, readData }, control, log);
        // What was worked around is gone or given up now; what is still damaged shows again.
        if (!dryRun) damage.clear();
        return { kind: 'repair', summary };
      });
      return { jobId };
    },
    async startCopy({ jobId, snapshots, destination, create }) {
      const from = repo();
      const { location, password, secrets } = destination;
      if (location === from.location) {
        throw new ContractFailure(
          'invalid-argument',
          'The destination is the open repository; choose another one.',
        );
      }
      await requireTrustedHost(location);
      // Used for this job only: copying somewhere is not opening it.
      const { forEngine } = await keepSecrets(engine, location, secrets, false);
      const to: RepositoryRef = { location, password, secrets: forEngine };
      // Fail the request itself (shown in the dialog) on a wrong password or a missing repository.
      if (create) await engine.initRepository(to, { copyChunkerParamsFrom: from });
      else await engine.listSnapshots(to);
      jobs.start(jobId, 'copy', async (control, log) => {
        const shown = redactLocation(location);
        log(
          'info',
          `Copying ${snapshots.length === 1 ? 'a snapshot' : `${snapshots.length} snapshots`} to ${shown}`,
        );
        const result = await engine.copy(from, to, { snapshots }, jobWatching(control, log));
        return { kind: 'copy', summary: { destination: shown, created: create, ...result } };
      });
      return { jobId };
    },
    async cancelJob({ jobId }) {
      return { cancelled: jobs.cancel(jobId) || (stores.planJobs?.cancel(jobId) ?? false) };
    },
    async browseFolders({ path }) {
      return listFolders(path);
    },
    async pickFolder({ purpose }) {
      if (platform.pickFolder === undefined) return unsupported('The native folder dialog');
      return { path: await platform.pickFolder(purpose) };
    },
    async pickSourceDefinition() {
      if (platform.pickSourceDefinition === undefined) return unsupported('The native file dialog');
      return platform.pickSourceDefinition();
    },
    async pickExportFile({ suggestedName }) {
      if (platform.pickExportFile === undefined) return unsupported('The native save dialog');
      return { path: await platform.pickExportFile(suggestedName) };
    },
    async listRecentRepositories() {
      return recent === null ? [] : recent.list();
    },
    async importRecentRepositories({ repositories }) {
      if (recent === null) return { imported: 0 };
      const imported = await recent.import(
        repositories.map(({ location, credentials }) => ({
          location,
          credentials: credentials ?? {},
        })),
      );
      return { imported };
    },
    async listSavedSources({ location }) {
      return stores.sources ? stores.sources.list(location) : { folders: [], apiSources: [] };
    },
    async addSourceFolder({ location, path }) {
      return sources().addFolder(location, path);
    },
    async removeSourceFolder({ location, path }) {
      return sources().removeFolder(location, path);
    },
    async saveApiSource({ location, id, text }) {
      return { id: await sources().saveApiSource(location, id, text) };
    },
    async removeApiSource({ location, id }) {
      await sources().removeApiSource(location, id);
      return null;
    },
    async importSourceFolders({ location, folders }) {
      return { imported: await sources().importFolders(location, folders) };
    },
    async listActivity() {
      return history === null ? [] : history.list();
    },
    async getActivityLog({ id }) {
      if (history === null) return { id, text: '', truncated: false };
      return history.log(id);
    },
    async listPlans() {
      return stores.plans ? stores.plans.list() : [];
    },
    async savePlan(args) {
      return plans().save(args);
    },
    async checkPlanFolders({ folders }) {
      return folderProblems(folders);
    },
    async previewRetention(args) {
      return plans().previewRetention(args);
    },
    async previewSchedule({ schedule, timeZone }) {
      return plans().preview(schedule, timeZone);
    },
    async runPlanNow({ name }) {
      return plans().runNow(name);
    },
    async pausePlan({ name }) {
      return plans().setPaused(name, true);
    },
    async resumePlan({ name }) {
      return plans().setPaused(name, false);
    },
    async removePlan({ name }) {
      await plans().remove(name);
      return null;
    },
  };
}
