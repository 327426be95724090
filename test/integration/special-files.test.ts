/**
 * Named pipes come back as named pipes (with their mode and time); a socket, which only the
 * program listening on it can bring back, is left out without making the restore fail. A
 * folder named through a symbolic link is backed up as the folder; links inside stay links.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  ftruncateSync,
  truncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { describeTree } from '../helpers/file-tree.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

describe('special files', () => {
  const dir = tempDir();

  it('restores a FIFO as a FIFO, and leaves out a socket without a problem', async () => {
    const src = path.join(dir, 'src');
    const repo = path.join(dir, 'repo');
    mkdirSync(src);
    writeFileSync(path.join(src, 'plain.txt'), 'plain\n');
    const fifo = path.join(src, 'pipe');
    expect(spawnSync('mkfifo', ['-m', '0640', fifo]).status).toBe(0);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(src, 'agent.sock'), resolve));
    try {
      await cairnOk(['init', '--repo', repo]);
      const backup = await cairn(['backup', src, '--repo', repo]);
      expect(backup.code).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    const out = path.join(dir, 'out');
    const restore = await cairn(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const restored = lstatSync(path.join(out, 'src', 'pipe'));
    expect(restored.isFIFO()).toBe(true);
    expect(restored.mode & 0o777).toBe(0o640);
    expect(Math.floor(restored.mtimeMs)).toBe(Math.floor(lstatSync(fifo).mtimeMs));
    expect(() => lstatSync(path.join(out, 'src', 'agent.sock'))).toThrow(/ENOENT/);
  });

  it('follows a symbolic link named as the folder to back up, and only that one', async () => {
    const real = path.join(dir, 'second-disk', 'Documents');
    mkdirSync(path.join(real, 'letters'), { recursive: true });
    writeFileSync(path.join(real, 'letters', 'to-ann.txt'), 'dear Ann\n');
    symlinkSync('letters', path.join(real, 'inner-link'));
    const named = path.join(dir, 'home', 'Documents');
    mkdirSync(path.dirname(named));
    symlinkSync(real, named);
    const repo = path.join(dir, 'repo-links');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', named, '--repo', repo]);

    const out = path.join(dir, 'out-links');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    expect(lstatSync(path.join(out, 'Documents')).isDirectory()).toBe(true);
    expect(describeTree(path.join(out, 'Documents'))).toEqual(describeTree(real));
    expect(readlinkSync(path.join(out, 'Documents', 'inner-link'))).toBe('letters');
  });

  it('restores a sparse file with its holes, byte for byte', async () => {
    const src = path.join(dir, 'images');
    mkdirSync(src);
    const image = path.join(src, 'disk.img');
    const fd = openSync(image, 'w');
    const head = randomBytes(MiB);
    const middle = randomBytes(MiB);
    writeSync(fd, head, 0, head.length, 0);
    writeSync(fd, middle, 0, middle.length, 40 * MiB);
    ftruncateSync(fd, 96 * MiB);
    closeSync(fd);
    // All zeros, one blob: a file a worker creates and finishes whole, only a hole.
    const blank = path.join(src, 'blank.img');
    closeSync(openSync(blank, 'w'));
    truncateSync(blank, 3 * MiB);
    const repo = path.join(dir, 'repo-sparse');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);

    const out = path.join(dir, 'out-sparse');
    await cairnOk(['restore', 'latest', '--target', out, '--repo', repo]);
    const restored = path.join(out, 'images', 'disk.img');
    expect(readFileSync(restored).equals(readFileSync(image))).toBe(true);
    expect(readFileSync(path.join(out, 'images', 'blank.img')).equals(readFileSync(blank))).toBe(
      true,
    );
    // Zero chunks were left as holes: far less is allocated than the file's 96 MiB.
    expect(lstatSync(restored).blocks * 512).toBeLessThan(40 * MiB);
  });
});
