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
 * At least restic's work: N=2^15, r=8 (32 MiB, the memory of restic's key) and p=5, the p that
 * restic's calibration to about 0.5 s picks on this hardware. It costs 0.39 s here (restic:
 * 0.44 s); p costs time only. The 32 MiB sets a floor under every command's peak memory
 * (test/bench/README.md), accepted rather than a weaker key. Each slot stores its parameters,
 * so slots written with p=1 by earlier versions still open; `key passwd` and `key add` write
 * these.
 */
export function defaultScryptParams(): ScryptParams {
  return { name: 'scrypt', N: 1 << 15, r: 8, p: 5, salt: randomBytes(32).toString('base64') };
}

/**
 * Limits on what a key file may ask for, checked before deriving anything: a damaged or hostile
 * file must not make Node throw (N not a power of two) or take gigabytes and minutes (a huge N
 * or p). They leave room for parameters far above today's (1 GiB of memory, 25 times the work).
 */
const MAX_MEMORY = 1024 * 1024 * 1024; // 128·N·r
const MAX_WORK = 4 * 1024 * 1024 * 1024; // 128·N·r·p
const MAX_N_LOG2 = 24;

/** What is wrong with a key file's scrypt parameters, or undefined when they can be used. */
export function scryptParamsProblem(kdf: unknown): string | undefined {
  if (typeof kdf !== 'object' || kdf === null) return 'kdf is missing';
  const { N, r, p, salt } = kdf as Record<string, unknown>;
  if (!isWhole(N) || N < 2 || N > 2 ** MAX_N_LOG2 || (N & (N - 1)) !== 0)
    return `kdf.N (${show(N)}) is not a power of two from 2 to 2^${MAX_N_LOG2}`;
  if (!isWhole(r) || r < 1 || r > 1024)
    return `kdf.r (${show(r)}) is not a whole number from 1 to 1024`;
  if (!isWhole(p) || p < 1 || p > 1024)
    return `kdf.p (${show(p)}) is not a whole number from 1 to 1024`;
  if (128 * N * r > MAX_MEMORY)
    return `kdf.N and kdf.r (${N}, ${r}) ask for more than 1 GiB of memory`;
  if (128 * N * r * p > MAX_WORK)
    return `kdf.N, kdf.r and kdf.p (${N}, ${r}, ${p}) ask for too much work`;
  if (typeof salt !== 'string' || !isBase64(salt) || Buffer.from(salt, 'base64').length < 16)
    return 'kdf.salt is not base64 of at least 16 bytes';
  return undefined;
}

/**
 * Derivations started ahead of need (startDerivation), by parameters: the CLI starts the one
 * it expects before it has loaded the engine (cli/kdf-head-start.ts).
 */
const ahead = new Map<string, { password: string; key: Promise<Buffer> }>();
/** The parameters of the last key slot a password opened in this process. */
let opened: ScryptParams | undefined;

function paramsKey(params: ScryptParams): string {
  return `${params.N}:${params.r}:${params.p}:${params.salt}`;
}

/**
 * Starts deriving now, on libuv's thread pool; the deriveKey() call with the same password and
 * parameters takes the result instead of deriving again. Callers check scryptParamsProblem first.
 */
export function startDerivation(password: string, params: ScryptParams): Promise<Buffer> {
  const key = derive(password, params);
  key.catch(() => undefined); // a failure is deriveKey's to report, if it is ever asked
  ahead.set(paramsKey(params), { password, key });
  return key;
}

/** Callers check scryptParamsProblem first: Node throws on parameters it cannot use. */
export function deriveKey(password: string, params: ScryptParams): Promise<Buffer> {
  const started = ahead.get(paramsKey(params));
  ahead.delete(paramsKey(params));
  return started?.password === password ? started.key : derive(password, params);
}

/** Records that a key derived with `params` opened its key slot. */
export function noteOpened(params: ScryptParams): void {
  opened = { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: params.salt };
}

/** The parameters of the last key slot opened in this process, if any. */
export function lastOpened(): ScryptParams | undefined {
  return opened;
}

function derive(password: string, params: ScryptParams): Promise<Buffer> {
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

export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

function isWhole(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function show(v: unknown): string {
  return JSON.stringify(v)?.slice(0, 24) ?? String(v);
}
