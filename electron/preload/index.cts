/**
 * The bridge the sandboxed renderer gets as `window.cairn`: each request of the contract by
 * name, and a job-event subscription that returns its unsubscribe. Nothing generic: no channel
 * name ever comes from the page. `satisfies CairnBridge` makes the compiler flag a request
 * added to the contract but missing here.
 *
 * CommonJS, and without runtime imports but 'electron', because sandboxed preloads can
 * require nothing else.
 */
// A CommonJS import is the only kind a sandboxed preload can run.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';
import type { CairnBridge, JobEvent, RequestName } from '../../shared/contract.js';

const { contextBridge, ipcRenderer } = electron;

const call =
  (name: RequestName) =>
  (args: unknown): Promise<never> =>
    ipcRenderer.invoke(`cairn:${name}`, args) as Promise<never>;

const bridge = {
  getAppInfo: call('getAppInfo'),
  getSessionState: call('getSessionState'),
  createRepository: call('createRepository'),
  ratePassword: call('ratePassword'),
  connectRepository: call('connectRepository'),
  disconnectRepository: call('disconnectRepository'),
  listSnapshots: call('listSnapshots'),
  getRepositoryWarnings: call('getRepositoryWarnings'),
  listTree: call('listTree'),
  searchTree: call('searchTree'),
  previewFile: call('previewFile'),
  validateApiSource: call('validateApiSource'),
  testApiSource: call('testApiSource'),
  startBackup: call('startBackup'),
  startRestore: call('startRestore'),
  startCheck: call('startCheck'),
  startRepair: call('startRepair'),
  startCopy: call('startCopy'),
  cancelJob: call('cancelJob'),
  browseFolders: call('browseFolders'),
  pickFolder: call('pickFolder'),
  pickSourceDefinition: call('pickSourceDefinition'),
  testTarget: call('testTarget'),
  probeHostKey: call('probeHostKey'),
  trustHostKey: call('trustHostKey'),
  compareSnapshots: call('compareSnapshots'),
  startExport: call('startExport'),
  prepareExportDownload: call('prepareExportDownload'),
  pickExportFile: call('pickExportFile'),
  listRecentRepositories: call('listRecentRepositories'),
  importRecentRepositories: call('importRecentRepositories'),
  listSavedSources: call('listSavedSources'),
  addSourceFolder: call('addSourceFolder'),
  removeSourceFolder: call('removeSourceFolder'),
  saveApiSource: call('saveApiSource'),
  removeApiSource: call('removeApiSource'),
  importSourceFolders: call('importSourceFolders'),
  listActivity: call('listActivity'),
  getActivityLog: call('getActivityLog'),
  listPlans: call('listPlans'),
  savePlan: call('savePlan'),
  previewSchedule: call('previewSchedule'),
  checkPlanFolders: call('checkPlanFolders'),
  previewRetention: call('previewRetention'),
  runPlanNow: call('runPlanNow'),
  pausePlan: call('pausePlan'),
  resumePlan: call('resumePlan'),
  removePlan: call('removePlan'),
  previewApiRestore: call('previewApiRestore'),
  startApiRestore: call('startApiRestore'),
  onJobEvent(listener: (event: JobEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, payload: JobEvent): void => listener(payload);
    ipcRenderer.on('cairn:job-event', forward);
    return () => {
      ipcRenderer.removeListener('cairn:job-event', forward);
    };
  },
} satisfies CairnBridge;

contextBridge.exposeInMainWorld('cairn', bridge);
