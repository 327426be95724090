/**
 * The backup plans as the Plans screen shows them (kept by the host in CAIRN_HOME/config.json
 * and run by its scheduler), and the actions on them. An action's failure is kept for the
 * screen to show; the list is read again after each action.
 */
import type {
  ApiSourceValidation,
  ArgsOf,
  ContractError,
  PlanSummary,
  RetentionPreview,
  SchedulePreview,
} from '../../../../shared/contract';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export interface PlansSlice {
  /** Null until loaded. */
  plans: PlanSummary[] | null;
  plansError: ContractError | null;
  loadPlans(): Promise<void>;
  /** Resolves to the error (shown beside the form's fields), or null once saved. */
  savePlan(args: ArgsOf<'savePlan'>): Promise<ContractError | null>;
  planAction(
    action: 'runPlanNow' | 'pausePlan' | 'resumePlan' | 'removePlan',
    name: string,
  ): Promise<void>;
  /** What is wrong with each folder as typed; nothing when the host cannot say. */
  checkPlanFolders(folders: string[]): Promise<{ folder: string; problem: string }[]>;
  /** The engine's verdict on a definition being typed (as on the Sources screen); null: none. */
  validatePlanApiSource(text: string): Promise<ApiSourceValidation | null>;
  previewRetention(
    args: ArgsOf<'previewRetention'>,
  ): Promise<RetentionPreview | { error: ContractError }>;
  previewSchedule(
    schedule: ArgsOf<'previewSchedule'>['schedule'],
    timeZone?: string,
  ): Promise<SchedulePreview | { error: ContractError }>;
}

export const createPlansSlice: SliceCreator<PlansSlice> = (api) => (set, get) => ({
  plans: null,
  plansError: null,

  async loadPlans() {
    try {
      set({ plans: await api.call('listPlans', {}), plansError: null });
    } catch (err) {
      set({ plansError: asContractError(err) });
    }
  },
  async savePlan(args) {
    try {
      await api.call('savePlan', args);
    } catch (err) {
      return asContractError(err);
    }
    await get().loadPlans();
    return null;
  },
  async planAction(action, name) {
    try {
      await api.call(action, { name });
    } catch (err) {
      set({ plansError: asContractError(err) });
      return;
    }
    await get().loadPlans();
  },
  async checkPlanFolders(folders) {
    if (folders.length === 0) return [];
    try {
      return await api.call('checkPlanFolders', { folders });
    } catch {
      return []; // the save says it again, with the reason
    }
  },
  async validatePlanApiSource(text) {
    try {
      return await api.call('validateApiSource', { text });
    } catch {
      return null; // the save says what is wrong
    }
  },
  async previewRetention(args) {
    try {
      return await api.call('previewRetention', args);
    } catch (err) {
      return { error: asContractError(err) };
    }
  },
  async previewSchedule(schedule, timeZone) {
    try {
      return await api.call('previewSchedule', { schedule, ...(timeZone ? { timeZone } : {}) });
    } catch (err) {
      return { error: asContractError(err) };
    }
  },
});
