/**
 * The storage semantics every target must meet (target.ts), as one suite that each target
 * runs against its real server: read-after-write, listings with sizes (1 500 files and more),
 * ranged reads, atomic placement, deletes, missing files, create/exists, adopting a spooled
 * pack, and exclusive creation of the config where the store can tell.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CairnError, isNotFound } from '../../electron/engine/errors.js';
import type { Target } from '../../electron/engine/targets/target.js';

export interface TargetUnderTest {
  /** A new client of the same, initially empty, location (as a second machine would be). */
  open(): Target;
  /** Whether the store refuses a second config (S3 with conditional writes, WebDAV, SFTP on OpenSSH). */
  exclusiveCreate: boolean;
  /**
   * Why this server shows files while they are being written, where it does (a test server
   * that writes in place, unlike the protocol's real servers): the test of that is skipped.
   */
  writesInPlace?: string;
  /** Called once after the suite. */
  stop?(): Promise<void>;
}

const MiB = 1024 * 1024;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Runs fn over items, `limit` at a time. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

export function describeTargetConformance(
  name: string,
  setup: () => Promise<TargetUnderTest | string>,
): void {
  describe(`${name}: storage target conformance`, () => {
    let subject: TargetUnderTest | undefined;
    let skipReason: string | undefined;
    let target: Target;

    beforeAll(async () => {
      const result = await setup();
      if (typeof result === 'string') skipReason = result;
      else {
        subject = result;
        target = subject.open();
      }
    });
    afterAll(async () => {
      await target?.close();
      await subject?.stop?.();
    });

    /** `it`, skipped at run time with the reason when the server cannot run here. */
    const test = (title: string, fn: (skip: (reason: string) => void) => Promise<void>) =>
      it(title, async (ctx) => {
        if (skipReason) {
          ctx.skip(skipReason);
          return;
        }
        await fn((reason) => ctx.skip(reason));
      });

    test('create, exists, and a second create refused', async () => {
      expect(await target.exists()).toBe(false);
      await target.create();
      expect(await target.exists()).toBe(false); // no config yet
      await target.save('config', 'config', Buffer.from('config v1'));
      expect(await target.exists()).toBe(true);
      const err = await rejection(target.create());
      expect(err).toBeInstanceOf(CairnError);
      expect((err as CairnError).kind).toBe('repository-exists');
      expect((await target.load('config', 'config')).toString()).toBe('config v1');
      expect(await target.list('config')).toEqual([{ name: 'config', size: 9 }]);
    });

    test('read after write, given in parts, and listed with its size', async () => {
      const parts = [randomBytes(1000), randomBytes(3), Buffer.alloc(0), randomBytes(70_000)];
      const whole = Buffer.concat(parts);
      const id = sha(whole);
      await target.save('keys', id, parts);
      expect((await target.load('keys', id)).equals(whole)).toBe(true);
      expect(await target.list('keys')).toContainEqual({ name: id, size: whole.length });
      // The same content-named file again: already complete, so simply accepted.
      await target.save('keys', id, whole);
      expect((await target.load('keys', id)).equals(whole)).toBe(true);
    });

    test('ranged reads, at the start, inside and at the end', async () => {
      const bytes = randomBytes(MiB + 123);
      const id = sha(bytes);
      await target.save('index', id, bytes);
      for (const [offset, length] of [
        [0, 10],
        [500_000, 65_536],
        [bytes.length - 17, 17],
        [1, bytes.length - 1],
      ] as const) {
        const got = await target.load('index', id, { offset, length });
        expect(got.equals(bytes.subarray(offset, offset + length))).toBe(true);
      }
    });

    test('adopts a spooled pack: stored under data/, its spool file gone', async () => {
      for (const size of [3 * MiB + 5, 12 * MiB + 7]) {
        const bytes = randomBytes(size);
        const id = sha(bytes);
        const spooled = path.join(target.spoolDir, `${randomBytes(8).toString('hex')}.tmp`);
        writeFileSync(spooled, bytes);
        await target.adopt('data', id, spooled);
        expect(existsSync(spooled)).toBe(false);
        expect(await target.list('data')).toContainEqual({ name: id, size });
        expect((await target.load('data', id)).equals(bytes)).toBe(true);
        const range = await target.load('data', id, { offset: size - 1000, length: 1000 });
        expect(range.equals(bytes.subarray(size - 1000))).toBe(true);
      }
    });

    test('a reader never sees part of a file while it is being written', async (skip) => {
      if (subject!.writesInPlace) return skip(subject!.writesInPlace);
      const bytes = randomBytes(8 * MiB);
      const id = sha(bytes);
      const reader = subject!.open();
      let done = false;
      const seen = new Set<number>();
      const writing = target.save('snapshots', id, bytes).finally(() => (done = true));
      while (!done) {
        const entry = (await reader.list('snapshots')).find((f) => f.name === id);
        if (entry) {
          seen.add(entry.size);
          const got = await reader.load('snapshots', id);
          expect(got.length).toBe(bytes.length);
        }
      }
      await writing;
      await reader.close();
      for (const size of seen) expect(size).toBe(bytes.length);
      expect((await target.load('snapshots', id)).equals(bytes)).toBe(true);
    });

    test('delete, and a missing file is "not found" (isNotFound)', async () => {
      const bytes = randomBytes(100);
      const id = sha(bytes);
      await target.save('locks', id, bytes);
      await target.remove('locks', id);
      expect((await target.list('locks')).map((f) => f.name)).not.toContain(id);
      const err = await rejection(target.load('locks', id));
      expect(isNotFound(err)).toBe(true);
      await target.remove('locks', id); // already gone: fine
      const never = await rejection(target.load('data', sha(randomBytes(8))));
      expect(isNotFound(never)).toBe(true);
      const ranged = await rejection(
        target.load('data', sha(randomBytes(8)), { offset: 0, length: 10 }),
      );
      expect(isNotFound(ranged)).toBe(true);
    });

    test('lists 1 500 files completely, with their sizes', async () => {
      const files = Array.from({ length: 1500 }, (_, i) => {
        const bytes = Buffer.from(`snapshot ${i} `.repeat(1 + (i % 7)));
        return { name: sha(bytes), bytes };
      });
      await eachLimit(files, 16, (f) => target.save('snapshots', f.name, f.bytes));
      const listed = new Map((await target.list('snapshots')).map((f) => [f.name, f.size]));
      for (const f of files) expect(listed.get(f.name)).toBe(f.bytes.length);
    });

    test('refuses a file name that is not a repository name', async () => {
      const err = await rejection(target.save('keys', '../escape', Buffer.from('x')));
      expect((err as CairnError).kind).toBe('invalid-argument');
    });

    test('two clients creating the config at once: one wins whole', async () => {
      // A location of its own: the config above already exists.
      const a = subject!.open();
      const b = subject!.open();
      const one = Buffer.from('config from client one');
      const two = Buffer.from('config from client two, longer');
      await a.remove('config', 'config');
      const results = await Promise.allSettled([
        a.save('config', 'config', one),
        b.save('config', 'config', two),
      ]);
      const stored = await target.load('config', 'config');
      expect([one.toString(), two.toString()]).toContain(stored.toString());
      if (subject!.exclusiveCreate) {
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect((lost.reason as CairnError).kind).toBe('repository-exists');
        const winner = results[0]!.status === 'fulfilled' ? one : two;
        expect(stored.equals(winner)).toBe(true);
      }
      await a.close();
      await b.close();
    });

    test('clearSpool removes what killed operations left in the spool', async () => {
      const left = path.join(target.spoolDir, `${randomBytes(8).toString('hex')}.tmp`);
      writeFileSync(left, 'left by a killed backup');
      await target.clearSpool();
      expect(readdirSync(target.spoolDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    test('a connection test reports the repository and that it can write', async () => {
      if (!target.testConnection) return; // a local folder has nothing to test
      const report = await target.testConnection();
      expect(report.repositoryExists).toBe(true);
      expect(report.writable).not.toBe(false);
      expect(report.latencyMs).toBeGreaterThanOrEqual(0);
    });
  });
}
