/**
 * The repository's key files (keys/): opening the repository with a password, and what `key
 * list` and `check` say about each file. A damaged file (its bytes no longer match its name, or
 * a field cannot be used) is named as damaged, never mistaken for another password's slot, and
 * never makes the repository unopenable while another slot opens it.
 */
import { CairnError } from '../errors.js';
import {
  jsonObject,
  readKeySlot,
  unwrapMasterKey,
  type KeySlot,
  type MasterKey,
} from '../crypto/key-slot.js';
import type { Target } from '../targets/target.js';

/** Each slot tried costs a key derivation (about 0.4 s): a password tries this many at most. */
const MAX_KEY_FILES_TRIED = 32;

export interface KeySlotInfo {
  id: string;
  created: string;
  hostname: string;
  username: string;
  /** Opened by the password in use. */
  current: boolean;
  /** Why the file is damaged, when it is. */
  damaged?: string;
}

export async function readKeySlots(
  target: Target,
  limit = Infinity,
): Promise<{ slot: KeySlot; bytes: Buffer }[]> {
  const files = (await target.list('keys')).slice(0, limit);
  const out: { slot: KeySlot; bytes: Buffer }[] = [];
  for (const f of files) {
    const bytes = await target.load('keys', f.name);
    out.push({ slot: readKeySlot(f.name, bytes), bytes });
  }
  return out;
}

/** The master key the password opens, and the slot that opened it. */
export async function unlock(
  target: Target,
  password: string,
): Promise<{ key: MasterKey; slot: string }> {
  const slots = (await readKeySlots(target, MAX_KEY_FILES_TRIED)).map((s) => s.slot);
  // Intact slots first; damaged ones whose fields can still be used are tried last.
  const order = [
    ...slots.filter((s) => s.file && !s.damage),
    ...slots.filter((s) => s.file && s.damage),
  ];
  for (const s of order) {
    const key = await unwrapMasterKey(s.file!, password, s.name);
    if (key) return { key, slot: s.name };
  }
  throw noSlotOpened(slots, target.displayName);
}

/** Every key file, oldest first, damaged ones included. */
export async function describeKeySlots(target: Target, opened: string): Promise<KeySlotInfo[]> {
  const out: KeySlotInfo[] = [];
  for (const { slot, bytes } of await readKeySlots(target)) {
    const fields = jsonObject(bytes) ?? {};
    out.push({
      id: slot.name,
      created: text(fields.created),
      hostname: text(fields.hostname),
      username: text(fields.username),
      current: slot.name === opened,
      ...(slot.damage ? { damaged: slot.damage } : {}),
    });
  }
  return out.sort((a, b) => (a.created < b.created ? -1 : 1));
}

function noSlotOpened(slots: KeySlot[], where: string): CairnError {
  const named = (s: KeySlot): string => `keys/${s.name.slice(0, 8)}`;
  const damaged = slots.filter((s) => s.damage);
  const newer = slots.filter((s) => s.newer);
  const intact = slots.filter((s) => !s.damage && !s.newer);
  if (intact.length > 0) {
    const also = damaged.length
      ? ` (or the password of damaged key file ${damaged.map(named).join(', ')})`
      : newer.length
        ? ` (or the password of key file ${named(newer[0]!)}, written by a newer Cairn)`
        : '';
    return new CairnError('wrong-password', `wrong password for repository at ${where}${also}`);
  }
  if (newer.length > 0) {
    return new CairnError(
      'format-too-new',
      `key file ${named(newer[0]!)} of the repository at ${where} uses ${newer[0]!.newer}, which this version of Cairn cannot read; upgrade Cairn`,
    );
  }
  if (damaged.length === 0) {
    return new CairnError(
      'corrupt',
      `cannot open the repository at ${where}: it has no key files (keys/ is empty)`,
    );
  }
  const shown = damaged.slice(0, 3).map((s) => `${named(s)}: ${s.damage}`);
  if (damaged.length > 3) shown.push('…');
  return new CairnError(
    'corrupt',
    `cannot open the repository at ${where}: ${damaged.length === 1 ? 'its only key file is' : `all ${damaged.length} key files are`} damaged (${shown.join('; ')})`,
  );
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
