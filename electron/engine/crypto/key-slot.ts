/**
 * Key slots (files under keys/). Each slot wraps the repository's master key under a key
 * derived from one password, so passwords can be added or changed without re-encrypting data.
 * A slot is plain JSON:
 *
 *   { "format": "cairn-key/1", "created": RFC 3339, "hostname", "username",
 *     "kdf": { "name": "scrypt", "N", "r", "p", "salt": base64 },
 *     "data": base64( AES-256-GCM sealed JSON { "encrypt": base64(32), "chunk_id": base64(32) } ) }
 *
 * The slot's file name is the SHA-256 of its bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import { CairnError } from '../errors.js';
import { open, seal } from './aead.js';
import { defaultScryptParams, deriveKey, type ScryptParams } from './kdf.js';

export const KEY_FORMAT = 'cairn-key/1';

export interface MasterKey {
  /** AES-256-GCM key for every stored object. */
  encrypt: Buffer;
  /** HMAC key for blob ids. */
  chunkId: Buffer;
}

interface KeySlotFile {
  format: string;
  created: string;
  hostname: string;
  username: string;
  kdf: ScryptParams;
  data: string;
}

export function newMasterKey(): MasterKey {
  return { encrypt: randomBytes(32), chunkId: randomBytes(32) };
}

export async function wrapMasterKey(
  master: MasterKey,
  password: string,
  kdf: ScryptParams = defaultScryptParams(),
): Promise<{ name: string; bytes: Buffer }> {
  const kek = await deriveKey(password, kdf);
  const inner = JSON.stringify({
    encrypt: master.encrypt.toString('base64'),
    chunk_id: master.chunkId.toString('base64'),
  });
  const file: KeySlotFile = {
    format: KEY_FORMAT,
    created: new Date().toISOString(),
    hostname: os.hostname(),
    username: safeUsername(),
    kdf,
    data: seal(kek, Buffer.from(inner)).toString('base64'),
  };
  const bytes = Buffer.from(JSON.stringify(file, null, 2));
  return { name: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/** Returns the master key, or undefined when the password does not open this slot. */
export async function unwrapMasterKey(
  bytes: Buffer,
  password: string,
  slotName: string,
): Promise<MasterKey | undefined> {
  let file: KeySlotFile;
  try {
    file = JSON.parse(bytes.toString('utf8')) as KeySlotFile;
  } catch {
    throw new CairnError('corrupt', `key slot ${slotName.slice(0, 8)} is not valid JSON`);
  }
  if (file.format !== KEY_FORMAT) {
    throw new CairnError(
      'format-too-new',
      `key slot ${slotName.slice(0, 8)} has format ${JSON.stringify(file.format)}, which this version of Cairn cannot read; upgrade Cairn`,
    );
  }
  if (file.kdf?.name !== 'scrypt') {
    throw new CairnError(
      'corrupt',
      `key slot ${slotName.slice(0, 8)} names an unknown key derivation`,
    );
  }
  const kek = await deriveKey(password, file.kdf);
  let inner: Buffer;
  try {
    inner = open(kek, Buffer.from(file.data, 'base64'), 'key slot');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(inner.toString('utf8')) as { encrypt: string; chunk_id: string };
  return {
    encrypt: Buffer.from(parsed.encrypt, 'base64'),
    chunkId: Buffer.from(parsed.chunk_id, 'base64'),
  };
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}
