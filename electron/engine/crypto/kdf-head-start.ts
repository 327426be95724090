/**
 * A head start for the key derivation. Deriving the key that opens a repository's key slot
 * (scrypt: 0.39 s of one core) is most of what an unchanged re-backup costs, and it needs only
 * the password and the slot's scrypt parameters, while loading the engine's code — about 70 ms
 * before a command could ask for the derivation — needs neither. So the parameters of the slot
 * that opened a location last time are kept (not secret: they are in the key file on the
 * target), and a host that knows the location and the password starts that derivation before
 * it loads the engine. deriveKey() takes the result only for the same password and parameters
 * and derives afresh otherwise: a changed password or key file costs one wasted derivation,
 * after which the kept parameters are the new ones.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SCHEME, redactLocation } from '../targets/redact-location.js';
import { cairnHome } from '../util/paths.js';
import { lastOpened, scryptParamsProblem, startDerivation, type ScryptParams } from './kdf.js';

/** Starts deriving with the parameters kept for `location`, if any (and usable). */
export function startDerivationFor(location: string, password: string): void {
  try {
    const kept = JSON.parse(fs.readFileSync(paramsFile(location), 'utf8')) as unknown;
    if (scryptParamsProblem(kept) === undefined)
      startDerivation(password, { ...(kept as ScryptParams), name: 'scrypt' });
  } catch {
    // Nothing kept yet, or unreadable: the engine derives when it gets there.
  }
}

/** Keeps the parameters of the key slot opened last in this process for `location`. */
export function keepParamsFor(location: string): void {
  const params = lastOpened();
  if (!params) return;
  const file = paramsFile(location);
  const text = JSON.stringify({ N: params.N, r: params.r, p: params.p, salt: params.salt });
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // Not kept yet.
  }
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch {
    // Only a head start is lost (a full disk, a home this user may not write to).
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // Nothing was written, then.
    }
  }
}

/**
 * Named by a hash of the location without its password (a relative folder made absolute), so
 * neither the location nor a secret in it is written down.
 */
function paramsFile(location: string): string {
  const named = SCHEME.test(location) ? redactLocation(location) : path.resolve(location);
  const hash = createHash('sha256').update(named).digest('hex').slice(0, 32);
  return path.join(cairnHome(), 'cache', 'kdf', `${hash}.json`);
}
