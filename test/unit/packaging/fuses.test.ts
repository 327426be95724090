/**
 * Cairn's Electron fuses: the list (electron/packaging/fuses.ts) sets each fuse the security
 * checklist asks for, and the built packaging script, run as a process the way packaging runs
 * it, flips them in a binary. The binary is a stand-in: bytes around Electron's fuse sentinel
 * and a fuse wire in Electron's factory state, read back here byte by byte.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { cairnFuses } from '../../../electron/packaging/fuses.js';
import { ROOT } from '../../helpers/cairn-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

const script = path.join(ROOT, 'dist/electron/packaging/flip-fuses.js');
const dir = tempDir('cairn-fuses-');
const sentinel = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX');
const fuseV1 = 1;
// Electron's factory state: run-as-node, NODE_OPTIONS, --inspect and file:// privileges on.
const factoryWire = '101100011';

function fakeElectron(name: string, wire = factoryWire): string {
  const file = path.join(dir, name);
  const before = Buffer.alloc(300_000, 0x90);
  const after = Buffer.alloc(100_000, 0xcc);
  const header = Buffer.from([fuseV1, wire.length]);
  writeFileSync(file, Buffer.concat([before, sentinel, header, Buffer.from(wire), after]));
  return file;
}

/** The fuse wire as the binary now holds it: '1' on, '0' off, by FuseV1Options index. */
function wireOf(file: string): string {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(sentinel) + sentinel.length;
  const length = bytes[at + 1] ?? 0;
  return bytes.subarray(at + 2, at + 2 + length).toString('latin1');
}

async function flip(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, file]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('fuse list', () => {
  it('turns off run-as-node, NODE_OPTIONS and --inspect, turns on cookie encryption and asar-only', () => {
    expect(cairnFuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(cairnFuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(cairnFuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(cairnFuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(cairnFuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(cairnFuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(cairnFuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it('decides every fuse, so a new one stops packaging until someone does', () => {
    expect(cairnFuses.strictlyRequireAllFuses).toBe(true);
    const options = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    for (const option of options)
      expect(typeof cairnFuses[option], FuseV1Options[option]).toBe('boolean');
  });
});

describe('flip-fuses script', () => {
  it('sets every fuse of the list in the binary and nothing else', async () => {
    const file = fakeElectron('electron');
    const original = readFileSync(file);
    const result = await flip(file);
    expect(result).toMatchObject({ code: 0, stdout: `Fuses set in ${file}.\n`, stderr: '' });

    const wire = wireOf(file);
    expect(wire[FuseV1Options.RunAsNode]).toBe('0');
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe('1');
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe('0');
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe('0');
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe('1');
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe('1');
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe('0');
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe('0');
    expect(wire[FuseV1Options.WasmTrapHandlers]).toBe('1');
    // Only the wire changed: the same size, and every other byte as it was.
    const flipped = readFileSync(file);
    expect(flipped.length).toBe(original.length);
    const at = original.indexOf(sentinel) + sentinel.length + 2;
    const differing = [...flipped.keys()].filter((i) => flipped[i] !== original[i]);
    expect(differing.every((i) => i >= at && i < at + factoryWire.length)).toBe(true);
  });

  it('refuses a file that is not an Electron binary, in one line naming it', async () => {
    const file = path.join(dir, 'not-electron');
    writeFileSync(file, Buffer.alloc(10_000, 0x41));
    const result = await flip(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^Cannot set the fuses of ${file}: .*sentinel.*\\n$`));
    expect(readFileSync(file).equals(Buffer.alloc(10_000, 0x41))).toBe(true);
  });

  it('changes nothing in a binary whose fuse wire cannot hold the whole list', async () => {
    const file = fakeElectron('old-electron', factoryWire.slice(0, 6));
    const original = readFileSync(file);
    const result = await flip(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Cannot set the fuses of .*old-electron: .*not long enough\n$/);
    expect(readFileSync(file).equals(original)).toBe(true);
  });
});
