/**
 * Password → key-encryption key. scrypt with parameters stored in each key slot, so they can
 * be raised later without breaking existing repositories.
 */
import { randomBytes, scrypt } from 'node:crypto';

export interface ScryptParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string; // base64
}

/**
 * 32 MiB, as much memory as restic's key here (N=2^15, r=8), and about 0.18 s. Restic also
 * calibrates p to spend about 0.5 s (p=5 here, 0.44 s); p costs time only, not memory. Slots
 * store their own parameters, so later versions can raise them.
 */
export function defaultScryptParams(): ScryptParams {
  return { name: 'scrypt', N: 1 << 15, r: 8, p: 1, salt: randomBytes(32).toString('base64') };
}

export function deriveKey(password: string, params: ScryptParams): Promise<Buffer> {
  const maxmem = 256 * params.N * params.r + 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      Buffer.from(params.salt, 'base64'),
      32,
      { N: params.N, r: params.r, p: params.p, maxmem },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}
