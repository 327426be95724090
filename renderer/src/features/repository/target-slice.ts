/**
 * The repository screen's connection test and SFTP host-key confirmation. A test looks at the
 * target once (latency, a repository there or not, writable, free space) and says what is
 * wrong in words; an SFTP server's host key is shown, with its fingerprint, before anything is
 * sent to it, and trusted only when the person says so.
 */
import type { ContractError } from '../../../../shared/contract';
import type { ConnectionTest, HostKeyCheck, TargetSecrets } from '../../../../shared/targets';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';

export type TargetTestState =
  | { state: 'testing'; location: string }
  | { state: 'passed'; location: string; report: ConnectionTest }
  | { state: 'failed'; location: string; error: ContractError };

export interface TargetSlice {
  targetTest: TargetTestState | null;
  /** An SFTP server whose host key waits for the person's decision. */
  hostKeyQuestion: { location: string; check: HostKeyCheck } | null;
  hostKeyError: ContractError | null;
  testTarget(location: string, secrets: TargetSecrets): Promise<void>;
  /**
   * True when the location needs no confirmation (not SFTP, or its key is trusted already);
   * otherwise asks (hostKeyQuestion) and answers false.
   */
  ensureHostTrusted(location: string): Promise<boolean>;
  trustHostKey(): Promise<boolean>;
  dismissHostKey(): void;
  clearTargetTest(): void;
}

export const createTargetSlice: SliceCreator<TargetSlice> = (api) => (set, get) => ({
  targetTest: null,
  hostKeyQuestion: null,
  hostKeyError: null,

  async testTarget(location, secrets) {
    set({ targetTest: { state: 'testing', location } });
    try {
      const report = await api.call('testTarget', { location, secrets });
      if (get().targetTest?.location === location)
        set({ targetTest: { state: 'passed', location, report } });
    } catch (err) {
      if (get().targetTest?.location === location)
        set({ targetTest: { state: 'failed', location, error: asContractError(err) } });
    }
  },

  async ensureHostTrusted(location) {
    if (!/^sftp:/i.test(location)) return true;
    set({ hostKeyError: null, hostKeyQuestion: null });
    try {
      const check = await api.call('probeHostKey', { location });
      if (check.status === 'known') return true;
      set({ hostKeyQuestion: { location, check } });
    } catch (err) {
      set({ hostKeyError: asContractError(err) });
    }
    return false;
  },

  async trustHostKey() {
    const question = get().hostKeyQuestion;
    if (question === null || question.check.status !== 'new') return false;
    try {
      await api.call('trustHostKey', {
        location: question.location,
        fingerprint: question.check.fingerprint,
      });
      set({ hostKeyQuestion: null });
      return true;
    } catch (err) {
      set({ hostKeyQuestion: null, hostKeyError: asContractError(err) });
      return false;
    }
  },

  dismissHostKey: () => set({ hostKeyQuestion: null }),
  clearTargetTest: () => set({ targetTest: null, hostKeyError: null }),
});
