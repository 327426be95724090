/**
 * Key slots (files under keys/). Each slot wraps the repository's master key under a key
 * derived from one password, so passwords can be added or changed without re-encrypting data.
 * A slot is plain JSON:
 *
 *   { "format": "cairn-key/1", "created": RFC 3339, "hostname", "username",
 *     "kdf": { "name": "scrypt", "N", "r", "p", "salt": base64 },
 *     "data": base64( AES-256-GCM sealed JSON { "encrypt": base64(32), "chunk_id": base64(32) } ) }
 *
 * The slot's file name is the SHA-256 of its bytes, so a damaged file is recognised without any
 * password; a slot that is intact but does not open is simply another password's.
 */
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import { CairnError } from '../errors.js';
import { open, SEAL_OVERHEAD, seal } from './aead.js';
import {
  defaultScryptParams,
  deriveKey,
  noteOpened,
  isBase64,
  scryptParamsProblem,
  type ScryptParams,
} from './kdf.js';

export const KEY_FORMAT = 'cairn-key/1';

export interface MasterKey {
  /** AES-256-GCM key for every stored object. */
  encrypt: Buffer;
  /** HMAC key for blob ids. */
  chunkId: Buffer;
}

export interface KeySlotFile {
  format: string;
  created: string;
  hostname: string;
  username: string;
  kdf: ScryptParams;
  data: string;
}

/** A key file as found in keys/, judged before any password is tried. */
export interface KeySlot {
  name: string;
  /**
   * The slot, when its fields can be used to try a password. A file damaged elsewhere (its
   * host name, say) is still worth trying: the AEAD tag proves any master key it yields.
   */
  file: KeySlotFile | undefined;
  /** Why the file is damaged: its bytes do not match its name, or a field cannot be used. */
  damage: string | undefined;
  /** What a newer Cairn wrote into this intact file that this version cannot use. */
  newer: string | undefined;
}

const MISMATCH = 'its content does not match its name';

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

export function readKeySlot(name: string, bytes: Buffer): KeySlot {
  const intact = createHash('sha256').update(bytes).digest('hex') === name;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return {
      name,
      file: undefined,
      damage: intact ? 'it is not valid JSON' : MISMATCH,
      newer: undefined,
    };
  }
  const problem = slotProblem(parsed);
  if (problem === undefined) {
    return {
      name,
      file: parsed as KeySlotFile,
      damage: intact ? undefined : MISMATCH,
      newer: undefined,
    };
  }
  if (intact && 'newer' in problem)
    return { name, file: undefined, damage: undefined, newer: problem.newer };
  const what = 'newer' in problem ? `it names ${problem.newer}` : problem.damage;
  return {
    name,
    file: undefined,
    damage: intact ? what : `${MISMATCH}; ${what}`,
    newer: undefined,
  };
}

/** Returns the master key, or undefined when the password does not open this slot. */
export async function unwrapMasterKey(
  slot: KeySlotFile,
  password: string,
  slotName: string,
): Promise<MasterKey | undefined> {
  const kek = await deriveKey(password, slot.kdf);
  let inner: Buffer;
  try {
    inner = open(kek, Buffer.from(slot.data, 'base64'), 'key slot');
  } catch {
    return undefined;
  }
  // Authenticated, so only a faulty writer could have put something else here.
  const parsed = jsonObject(inner);
  const encrypt = keyBytes(parsed?.encrypt);
  const chunkId = keyBytes(parsed?.chunk_id);
  if (!encrypt || !chunkId)
    throw new CairnError(
      'corrupt',
      `key file keys/${slotName.slice(0, 8)} holds no valid master key`,
    );
  noteOpened(slot.kdf);
  return { encrypt, chunkId };
}

function slotProblem(v: unknown): { damage: string } | { newer: string } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { damage: 'it is not a JSON object' };
  const { format, kdf, data } = v as Record<string, unknown>;
  if (format !== KEY_FORMAT) {
    const version = typeof format === 'string' ? /^cairn-key\/(\d+)$/.exec(format)?.[1] : undefined;
    return version && Number(version) > 1
      ? { newer: `format ${JSON.stringify(format)}` }
      : { damage: `its format is ${JSON.stringify(format) ?? 'missing'}, not "${KEY_FORMAT}"` };
  }
  const kdfName = (kdf as { name?: unknown } | null)?.name;
  if (typeof kdfName === 'string' && kdfName !== 'scrypt')
    return { newer: `key derivation ${JSON.stringify(kdfName)}` };
  if (kdfName !== 'scrypt') return { damage: 'kdf.name is missing' };
  const params = scryptParamsProblem(kdf);
  if (params) return { damage: params };
  if (
    typeof data !== 'string' ||
    !isBase64(data) ||
    Buffer.from(data, 'base64').length < SEAL_OVERHEAD + 2
  )
    return { damage: 'data is not base64 of a sealed master key' };
  return undefined;
}

/** The bytes as a JSON object, or undefined when they are not one. */
export function jsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function keyBytes(v: unknown): Buffer | undefined {
  if (typeof v !== 'string' || !isBase64(v)) return undefined;
  const bytes = Buffer.from(v, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}
