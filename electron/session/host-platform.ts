/**
 * What differs between the desktop app and web mode, injected into the session: native
 * dialogs exist only on the desktop.
 */
import type { AppMode } from '../../shared/contract.js';

export type FolderPurpose = 'repository' | 'source' | 'restore-target';

export interface HostPlatform {
  mode: AppMode;
  version: string;
  pickFolder?(purpose: FolderPurpose): Promise<string | null>;
  pickSourceDefinition?(): Promise<{ path: string; text: string } | null>;
  /** The native save dialog for an export archive; null when the person cancelled. */
  pickExportFile?(suggestedName: string): Promise<string | null>;
}
