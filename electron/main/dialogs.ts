/**
 * Native dialogs: folders for repositories, sources and restore targets; a file for an API
 * source definition, read here so the sandboxed renderer never touches the disk; where to save
 * an export.
 */
import { readFile, stat } from 'node:fs/promises';
import { dialog, type BrowserWindow } from 'electron';
import type { FolderPurpose } from '../session/host-platform.js';
import { ContractFailure } from '../session/to-contract-error.js';

const folderTitles: Record<FolderPurpose, string> = {
  repository: 'Choose the repository folder',
  source: 'Choose a folder to back up',
  'restore-target': 'Choose where to restore',
};

const maxDefinitionBytes = 1_000_000;

export async function pickFolder(
  window: BrowserWindow,
  purpose: FolderPurpose,
): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, {
    title: folderTitles[purpose],
    properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

export async function pickSourceDefinition(
  window: BrowserWindow,
): Promise<{ path: string; text: string } | null> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Load an API source definition',
    properties: ['openFile', 'dontAddToRecent'],
    filters: [{ name: 'Source definition', extensions: ['json'] }],
  });
  const path = result.canceled ? undefined : result.filePaths[0];
  if (path === undefined) return null;
  if ((await stat(path)).size > maxDefinitionBytes) {
    throw new ContractFailure(
      'invalid-argument',
      'That file is too large to be a source definition.',
    );
  }
  return { path, text: await readFile(path, 'utf8') };
}

export async function pickExportFile(
  window: BrowserWindow,
  suggestedName: string,
): Promise<string | null> {
  const zip = suggestedName.endsWith('.zip');
  const result = await dialog.showSaveDialog(window, {
    title: 'Export to an archive',
    defaultPath: suggestedName,
    properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
    filters: [
      zip
        ? { name: 'Zip archive', extensions: ['zip'] }
        : { name: 'Gzipped tar archive', extensions: ['tar.gz', 'tgz'] },
    ],
  });
  return result.canceled ? null : (result.filePath ?? null);
}
