/**
 * How the session keeps a remote repository's credentials: a secret goes to the OS keychain
 * and only its `keychain:` reference reaches the engine and the UI; without a keychain it stays
 * in memory and the UI is told; a page cannot point the engine at a file or an environment
 * variable (which would send its contents to the server the location names). The engine is a
 * test double (these tests are about the session); the e2e tests drive the real one.
 */
import { describe, expect, it } from 'vitest';
import type { EngineService, RepositoryRef } from '../../../electron/engine/service-types.js';
import { keychainEntry } from '../../../electron/session/repository-secrets.js';
import { Session } from '../../../electron/session/session.js';

const location = 'webdav:http://ana@127.0.0.1:9/cairn';
const secret = `p@ss:w/rd "'#?`;

function engineWith(keychain: Map<string, string> | null) {
  const seen: RepositoryRef[] = [];
  const unused = () => Promise.reject(new Error('not expected in this test'));
  const engine = {
    listSnapshots: async (ref: RepositoryRef) => {
      seen.push(ref);
      return [];
    },
    testConnection: async (ref: Omit<RepositoryRef, 'password'>) => {
      seen.push({ ...ref, password: '' });
      return { latencyMs: 1, repositoryExists: true, writable: true, freeBytes: null };
    },
    storeSecret: async (entry: string, value: string) => {
      if (keychain === null) throw new Error('no keychain here');
      keychain.set(entry, value);
    },
  };
  const full = new Proxy(engine, {
    get: (target, name) => (name in target ? target[name as keyof typeof target] : unused),
  }) as unknown as EngineService;
  return { engine: full, seen };
}

const web = { mode: 'web' as const, version: '0.0.0-test' };

describe('repository credentials in the session', () => {
  it('stores a secret in the keychain and hands out only its reference', async () => {
    const keychain = new Map<string, string>();
    const { engine, seen } = engineWith(keychain);
    const session = new Session(engine, web);
    const reply = await session.handle('connectRepository', {
      location,
      password: 'repo password',
      secrets: { CAIRN_TARGET_PASSWORD: secret },
    });
    const reference = `keychain:${keychainEntry(location, 'CAIRN_TARGET_PASSWORD')}`;
    expect(reply).toEqual({
      ok: true,
      value: {
        location,
        snapshots: 0,
        secrets: { references: { CAIRN_TARGET_PASSWORD: reference }, remembered: true },
      },
    });
    expect([...keychain.values()]).toEqual([secret]);
    expect(seen[0]?.secrets).toEqual({ CAIRN_TARGET_PASSWORD: reference });

    // Next time the UI sends the reference back, and that is accepted.
    const again = await session.handle('connectRepository', {
      location,
      password: 'repo password',
      secrets: { CAIRN_TARGET_PASSWORD: reference },
    });
    expect(again.ok).toBe(true);
    expect(seen[1]?.secrets).toEqual({ CAIRN_TARGET_PASSWORD: reference });
  });

  it('without a keychain keeps the secret for the session only, and says so', async () => {
    const { engine, seen } = engineWith(null);
    const session = new Session(engine, web);
    const reply = await session.handle('connectRepository', {
      location,
      password: 'repo password',
      secrets: { CAIRN_TARGET_PASSWORD: secret },
    });
    expect(reply).toMatchObject({
      ok: true,
      value: { secrets: { references: {}, remembered: false } },
    });
    expect(seen[0]?.secrets).toEqual({ CAIRN_TARGET_PASSWORD: secret });
  });

  it('refuses references a page could use to read files or variables', async () => {
    const { engine, seen } = engineWith(new Map());
    const session = new Session(engine, web);
    for (const value of ['file:/etc/shadow', 'env:HOME', 'keychain:someone-elses-entry']) {
      const reply = await session.handle('testTarget', {
        location,
        secrets: { CAIRN_TARGET_PASSWORD: value },
      });
      expect(reply).toEqual({
        ok: false,
        error: {
          kind: 'invalid-argument',
          message: 'CAIRN_TARGET_PASSWORD cannot be a reference here; enter the value itself',
        },
      });
    }
    expect(seen).toEqual([]);
  });

  it('uses but never stores the secrets of a connection test', async () => {
    const keychain = new Map<string, string>();
    const { engine, seen } = engineWith(keychain);
    const reply = await new Session(engine, web).handle('testTarget', {
      location,
      secrets: { CAIRN_TARGET_PASSWORD: secret },
    });
    expect(reply.ok).toBe(true);
    expect(keychain.size).toBe(0);
    expect(seen[0]?.secrets).toEqual({ CAIRN_TARGET_PASSWORD: secret });
  });
});
