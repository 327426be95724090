/**
 * A derivation started ahead (the CLI's head start) is taken only by the same password and
 * parameters; anything else is derived afresh, so a stale or wrong head start can never open
 * a key slot the password would not.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultScryptParams,
  deriveKey,
  startDerivation,
  type ScryptParams,
} from '../../electron/engine/crypto/kdf.js';

const small = (): ScryptParams => ({ ...defaultScryptParams(), N: 1024, p: 1 });

describe('derivations started ahead', () => {
  it('the same password and parameters take the started derivation, once', async () => {
    const params = small();
    const started = startDerivation('pass one', params);
    expect(deriveKey('pass one', params)).toBe(started);
    const again = deriveKey('pass one', params);
    expect(again).not.toBe(started);
    expect((await again).equals(await started)).toBe(true);
  });

  it('another password derives afresh, and its own key', async () => {
    const params = small();
    const started = startDerivation('pass one', params);
    const other = deriveKey('pass two', params);
    expect(other).not.toBe(started);
    expect((await other).equals(await started)).toBe(false);
  });

  it('other parameters (a new key file) derive afresh', async () => {
    const kept = small();
    const current = small();
    const started = startDerivation('pass one', kept);
    const key = deriveKey('pass one', current);
    expect(key).not.toBe(started);
    expect((await key).equals(await started)).toBe(false);
  });
});
