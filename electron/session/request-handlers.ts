/**
 * The contract's requests, implemented over the engine. Arguments arrive already validated;
 * each handler only translates between the contract and the EngineService.
 */
import { homedir, hostname } from 'node:os';
import type { ParsedArgsOf, RequestName, ResultOf } from '../../shared/contract.js';
import type {
  EngineService,
  JobControl,
  RepositoryRef,
  RepositoryWarning,
} from '../engine/service-types.js';
import { parseDefinitionText, testSampleSize, toSourceTest } from './api-source-definitions.js';
import { validateApiSourceText } from './api-source-validation.js';
import { logWarnings, runBackupJob } from './backup-job.js';
import { listFolders } from './folder-browser.js';
import { buildPreview, previewBytes } from './file-preview.js';
import type { HostPlatform } from './host-platform.js';
import type { JobLog, JobRegistry } from './job-registry.js';
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

export function createRequestHandlers(
  engine: EngineService,
  platform: HostPlatform,
  jobs: JobRegistry,
  holder: RepositoryHolder,
): RequestHandlers {
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
  const unsupported = (what: string): never => {
    throw new ContractFailure('unsupported', `${what} is only available in the desktop app.`);
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
        jobs: jobs.summaries(),
      };
    },
    async createRepository({ location, password }) {
      const ref = { location, password };
      const { id } = await engine.initRepository(ref);
      holder.current = ref;
      damage.clear();
      return { id, location };
    },
    async ratePassword({ password }) {
      return engine.ratePassword(password);
    },
    async connectRepository({ location, password }) {
      const ref = { location, password };
      damage.clear();
      const snapshots = await engine.listSnapshots(ref, watching);
      holder.current = ref;
      return { location, snapshots: snapshots.length };
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
    async cancelJob({ jobId }) {
      return { cancelled: jobs.cancel(jobId) };
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
  };
}
