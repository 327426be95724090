/**
 * A restored file is written under a hidden name beside its own and renamed into place once its
 * content and metadata are complete. A restore killed part way therefore never leaves a
 * truncated file under the real name — which the next restore (`--overwrite skip`) would take
 * for the user's own and keep. The hidden name depends only on the file's name, so the next
 * restore of the same file replaces a leftover instead of adding another.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export const PARTIAL_SUFFIX = '.cairn-part';

export function partialPath(dest: string): string {
  const tag = createHash('sha256').update(path.basename(dest)).digest('hex').slice(0, 16);
  return path.join(path.dirname(dest), `.${tag}${PARTIAL_SUFFIX}`);
}
