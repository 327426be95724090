/**
 * Where the API source definitions of plans are kept when no file of the user's holds them:
 * `CAIRN_HOME/plan-api-sources/`, one file per definition, named by the source and a hash of
 * the text (so the same text is one file, and a changed one a new file). The app's plan form
 * writes them there, and `cairn config import` does for the definitions an export carries.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export function planApiSourceFolder(home: string): string {
  return path.join(home, 'plan-api-sources');
}

/** The file for a definition's text; `name` is the source's name (or what stands for it). */
export function planDefinitionFile(home: string, name: string, text: string): string {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'api-source';
  return path.join(planApiSourceFolder(home), `${slug}-${hash}.json`);
}
