/**
 * Endless pagination that a repeated token cannot reveal: an API that ignores `page` (or
 * `offset`) answers every request with the same records, and one whose cursor changes on every
 * answer while the records stay the same never sends a cursor twice. Both show in the records: a
 * page whose records were all fetched already in this walk of the endpoint is a loop, not data.
 *
 * Memory stays bounded whatever the endpoint's size: the previous page's ids, and for earlier
 * pages only a fingerprint each (their ids' count and two order-free hashes), the last
 * MAX_FINGERPRINTS of them, which catches a cycle through up to that many pages.
 */
import { JsonNumber } from '../json-number.js';
import type { RecordId } from '../record-key.js';

const MAX_FINGERPRINTS = 10_000;

export class RepeatedPageGuard {
  private previous = new Set<unknown>();
  private readonly fingerprints = new Set<string>();

  /**
   * Takes the next page's record ids (within one walk, so within one parent for a child
   * endpoint); true when they were all fetched already.
   */
  repeats(ids: readonly RecordId[]): boolean {
    if (ids.length === 0) return false;
    const current = new Set<unknown>();
    let allSeen = true;
    let sum = 0;
    let xor = 0;
    for (const id of ids) {
      const member = id instanceof JsonNumber ? `\u0000${id.text}` : id;
      current.add(member);
      if (allSeen && !this.previous.has(member)) allSeen = false;
      const h = hashId(id);
      sum = (sum + h) | 0;
      xor ^= h;
    }
    const fingerprint = `${current.size}:${sum}:${xor}`;
    const repeated = allSeen || this.fingerprints.has(fingerprint);
    this.previous = current;
    this.fingerprints.add(fingerprint);
    if (this.fingerprints.size > MAX_FINGERPRINTS) {
      this.fingerprints.delete(this.fingerprints.values().next().value!);
    }
    return repeated;
  }
}

/** FNV-1a over the id's text, its kind mixed in (so 7 and "7" differ). */
function hashId(id: RecordId): number {
  const text = typeof id === 'string' ? `s${id}` : `n${String(id)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}
