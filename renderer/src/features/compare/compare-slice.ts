/**
 * The Compare view: two snapshots of the repository, what changed between them (files, API
 * records, counts), and for one chosen record its field-level changes. An answer that arrives
 * after the person picked other snapshots is dropped.
 */
import type { ComparedRecord, SnapshotComparison } from '../../../../shared/comparison';
import type { ContractError } from '../../../../shared/contract';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export interface RecordFocus {
  /** `SOURCE/ENDPOINT/ID`, as the engine names a record. */
  key: string;
  records: ComparedRecord[] | null;
  error: ContractError | null;
}

export interface CompareSlice {
  /** The older and the newer snapshot's ids. */
  comparePair: { a: string; b: string } | null;
  comparison: SnapshotComparison | null;
  comparing: boolean;
  compareError: ContractError | null;
  recordFocus: RecordFocus | null;
  compareSnapshots(a: string, b: string): Promise<void>;
  compareRecord(source: string, endpoint: string, id: string): Promise<void>;
}

export const createCompareSlice: SliceCreator<CompareSlice> = (api) => (set, get) => ({
  comparePair: null,
  comparison: null,
  comparing: false,
  compareError: null,
  recordFocus: null,

  async compareSnapshots(a, b) {
    const pair = { a, b };
    set({
      comparePair: pair,
      comparing: true,
      comparison: null,
      compareError: null,
      recordFocus: null,
    });
    try {
      const comparison = await api.call('compareSnapshots', { snapshotA: a, snapshotB: b });
      if (get().comparePair !== pair) return;
      set({ comparison, comparing: false });
    } catch (err) {
      if (get().comparePair !== pair) return;
      set({ comparing: false, compareError: asContractError(err) });
    }
  },

  async compareRecord(source, endpoint, id) {
    const pair = get().comparePair;
    if (pair === null) return;
    const key = `${source}/${endpoint}/${id}`;
    set({ recordFocus: { key, records: null, error: null } });
    try {
      const result = await api.call('compareSnapshots', {
        snapshotA: pair.a,
        snapshotB: pair.b,
        record: key,
      });
      if (get().recordFocus?.key !== key) return;
      set({ recordFocus: { key, records: result.records ?? [], error: null } });
    } catch (err) {
      if (get().recordFocus?.key !== key) return;
      set({ recordFocus: { key, records: null, error: asContractError(err) } });
    }
  },
});
