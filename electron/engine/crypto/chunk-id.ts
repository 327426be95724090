/**
 * Blob ids are keyed: HMAC-SHA-256 under the repository's id key, so identical data maps to
 * the same id within a repository but nobody without the password can test for known content.
 */
import { createHmac } from 'node:crypto';

export type BlobId = string; // 64 lowercase hex characters

export function blobId(idKey: Uint8Array, data: Uint8Array): BlobId {
  return createHmac('sha256', idKey).update(data).digest('hex');
}
