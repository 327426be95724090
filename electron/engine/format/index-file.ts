/**
 * Index files (index/<id>) map blobs to their place in packs. Sealed JSON:
 *
 *   { "packs": [ { "id": hex, "blobs": [ { "id", "type", "offset", "length", "raw_length" } ] } ],
 *     "supersedes": [ index ids this one replaces ] }
 *
 * A backup writes an index file after its packs and before its snapshot; prune later merges
 * index files and lists the ones it replaces in `supersedes`.
 */
import type { PackBlob } from './pack.js';

export interface IndexPack {
  id: string;
  blobs: PackBlob[];
}

export interface IndexFile {
  packs: IndexPack[];
  supersedes: string[];
}
