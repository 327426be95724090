/**
 * `cairn export`: the built CLI writes a snapshot (or a folder of it) as a zip or tar.gz that the
 * system's own `unzip` and `tar` unpack into the original bytes, modes, mtimes (to what each
 * format keeps), symlinks and empty folders; API data comes out as its NDJSON files. An archive
 * can go to a pipe; an export interrupted part way leaves nothing under the output's name; and
 * a file far larger than the memory the process may use goes through in constant memory.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { CLI, cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;
const PASSWORD = 'correct horse battery staple';

interface Described {
  type: 'file' | 'dir' | 'symlink';
  mode?: string;
  /** Whole seconds, rounded down to the format's step. */
  mtime?: number;
  sha256?: string;
  target?: string;
}

/** Each entry under `root` as an archive can keep it; `step` is the format's mtime precision. */
function describeArchiveTree(root: string, step: number): Record<string, Described> {
  const out: Record<string, Described> = {};
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      const mtime = Math.floor(st.mtimeMs / 1000 / step) * step;
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = { type: 'symlink', target: readlinkSync(abs) };
      else if (st.isDirectory()) {
        out[r] = { type: 'dir', mode, mtime };
        walk(abs, r);
      } else if (st.isFile()) {
        const sha256 = createHash('sha256').update(readFileSync(abs)).digest('hex');
        out[r] = { type: 'file', mode, mtime, sha256 };
      }
    }
  };
  walk(root, '');
  return out;
}

function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe('export of a folder snapshot', () => {
  const dir = tempDir();
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');
  const at = (...p: string[]) => path.join(src, ...p);
  // Odd seconds: zip keeps even ones, so the test sees its rounding.
  const when = (s: number) => new Date(Date.UTC(2023, 4, 6, 7, 8, s));

  beforeAll(async () => {
    mkdirSync(at('sub', 'deeper'), { recursive: true });
    mkdirSync(at('empty'));
    writeFileSync(at('plain.txt'), 'plain text\n');
    writeFileSync(at('script.sh'), '#!/bin/sh\necho hi\n');
    writeFileSync(at('secret.key'), 'only mine\n');
    writeFileSync(at('empty.txt'), '');
    writeFileSync(at('sub', 'data.bin'), randomBytes(3 * MiB + 123));
    writeFileSync(at('sub', 'deeper', 'note.md'), '# note\n');
    linkSync(at('plain.txt'), at('sub', 'hard-link.txt'));
    symlinkSync('../plain.txt', at('sub', 'link-to-plain'));
    symlinkSync('sub/deeper', at('link-to-dir'));
    execFileSync('mkfifo', [at('pipe')]);
    chmodSync(at('script.sh'), 0o755);
    chmodSync(at('secret.key'), 0o600);
    chmodSync(at('empty'), 0o700);
    chmodSync(at('sub', 'deeper'), 0o750);
    let s = 1;
    for (const p of [
      at('plain.txt'),
      at('script.sh'),
      at('secret.key'),
      at('empty.txt'),
      at('sub', 'data.bin'),
      at('sub', 'deeper', 'note.md'),
      at('sub', 'deeper'),
      at('empty'),
      at('sub'),
      src,
    ])
      utimesSync(p, when(s), when((s += 2)));
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
  });

  /** The original as the archive should give it back: the fifo is left out, with a warning. */
  function expected(step: number): Record<string, Described> {
    const all = describeArchiveTree(dir, step);
    return Object.fromEntries(
      Object.entries(all).filter(([p]) => p.startsWith('src') && p !== 'src/pipe'),
    );
  }

  it('zip: unzip gives back the bytes, modes, mtimes (to 2 s), links and empty folders', async () => {
    const out = path.join(dir, 'snapshot.zip');
    const res = await cairnOk([
      'export',
      'latest',
      '--repo',
      repo,
      '--format',
      'zip',
      '--output',
      out,
    ]);
    expect(res.stdout).toMatch(
      new RegExp(`^exported 7 file\\(s\\), 4 folder\\(s\\), 2 link\\(s\\), .* to ${out} \\(zip, `),
    );
    expect(res.stderr).toContain('warning: /src/pipe: not exported: a named pipe');
    const unpacked = path.join(dir, 'from-zip');
    mkdirSync(unpacked);
    execFileSync('unzip', ['-q', out, '-d', unpacked]);
    const got = describeArchiveTree(unpacked, 2);
    // unzip does not set a symlink's own mtime; a link's target is what it keeps.
    expect(got).toEqual(expected(2));
  });

  it('tar.gz: tar gives back the bytes, modes, mtimes (to 1 s), links and empty folders', async () => {
    const out = path.join(dir, 'snapshot.tar.gz');
    await cairnOk(['export', 'latest', '--repo', repo, '--output', out]); // format from the name
    const unpacked = path.join(dir, 'from-tar');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzpf', out, '-C', unpacked]);
    expect(describeArchiveTree(unpacked, 1)).toEqual(expected(1));
    const listing = execFileSync('tar', ['-tvzf', out], { encoding: 'utf8' });
    expect(listing).toMatch(/^l\S+ .* src\/sub\/link-to-plain -> \.\.\/plain\.txt$/m);
  });

  it('PATH exports that folder alone, named as itself', async () => {
    const out = path.join(dir, 'sub.tar.gz');
    await cairnOk([
      'export',
      'latest',
      '/src/sub',
      '--repo',
      repo,
      '--format',
      'tar.gz',
      '-o',
      out,
    ]);
    const names = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n');
    expect(names.sort()).toEqual([
      'sub/',
      'sub/data.bin',
      'sub/deeper/',
      'sub/deeper/note.md',
      'sub/hard-link.txt',
      'sub/link-to-plain',
    ]);
    const missing = await cairnOk(
      [
        'export',
        'latest',
        '/src/nope',
        '--repo',
        repo,
        '--format',
        'zip',
        '-o',
        path.join(dir, 'x.zip'),
      ],
      {},
      1,
    );
    expect(missing.stderr.trim()).toBe('cairn: /src/nope is not in the snapshot');
    expect(existsSync(path.join(dir, 'x.zip'))).toBe(false);
  });

  it('--output - writes the archive to a pipe, the summary to stderr', async () => {
    const unpacked = path.join(dir, 'from-pipe');
    mkdirSync(unpacked);
    const cairn = spawn(
      process.execPath,
      [CLI, 'export', 'latest', '/src/sub', '--repo', repo, '--format', 'tar.gz', '--output', '-'],
      { env: { ...process.env, CAIRN_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tar = spawn('tar', ['-xzpf', '-', '-C', unpacked], { stdio: ['pipe', 'ignore', 'pipe'] });
    cairn.stdout.pipe(tar.stdin);
    let stderr = '';
    cairn.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [cairnCode, tarCode] = await Promise.all([
      new Promise((r) => cairn.on('close', r)),
      new Promise((r) => tar.on('close', r)),
    ]);
    expect([cairnCode, tarCode]).toEqual([0, 0]);
    expect(stderr).toMatch(
      /^exported 3 file\(s\), 2 folder\(s\), 1 link\(s\), .* to standard output/m,
    );
    const want = Object.fromEntries(
      Object.entries(expected(1))
        .filter(([p]) => p.startsWith('src/sub'))
        .map(([p, d]) => [p.slice('src/'.length), d]),
    );
    expect(describeArchiveTree(unpacked, 1)).toEqual(want);
  });

  it('an interrupted export leaves no archive, no partial file and no lock', async () => {
    const out = path.join(dir, 'cancelled.zip');
    writeFileSync(out, 'an older archive\n');
    const run = await killOnProgress(
      ['export', 'latest', '--repo', repo, '--format', 'zip', '--output', out],
      (p) => p.phase === 'export' && p.bytes_done > 0,
      { signal: 'SIGINT' },
    );
    expect(run.killed).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/cancel/i);
    expect(readFileSync(out, 'utf8')).toBe('an older archive\n');
    expect(filesIn(dir).filter((f) => f.includes('cairn-part'))).toEqual([]);
    expect(filesIn(path.join(repo, 'locks'))).toEqual([]);

    const fresh = path.join(dir, 'never.tar.gz');
    const term = await killOnProgress(
      ['export', 'latest', '--repo', repo, '--output', fresh],
      (p) => p.phase === 'export' && p.bytes_done > 0,
      { signal: 'SIGTERM' },
    );
    expect(term.code).toBe(130);
    expect(existsSync(fresh)).toBe(false);
    expect(filesIn(dir).filter((f) => f.includes('cairn-part'))).toEqual([]);
  });

  it('names the output it cannot write, and leaves nothing behind', async () => {
    const nowhere = path.join(dir, 'no-such-folder', 'a.zip');
    const missing = await cairnOk(['export', 'latest', '--repo', repo, '-o', nowhere], {}, 1);
    expect(missing.stderr.trim()).toBe(`cairn: cannot write ${nowhere}: its folder does not exist`);
    // A full disk behind standard output (/dev/full answers every write with ENOSPC).
    const full = openSync('/dev/full', 'w');
    try {
      const res = spawnSync(
        process.execPath,
        [CLI, 'export', 'latest', '--repo', repo, '--format', 'zip', '-o', '-'],
        { env: { ...process.env, CAIRN_PASSWORD: PASSWORD }, stdio: ['ignore', full, 'pipe'] },
      );
      expect(res.status).toBe(1);
      expect(res.stderr.toString().trim()).toBe(
        'cairn: cannot write standard output: ENOSPC: no space left on device, write',
      );
    } finally {
      closeSync(full);
    }
    expect(filesIn(path.join(repo, 'locks'))).toEqual([]);
  });

  it('refuses a missing --output or an unknown format in one line', async () => {
    const none = await cairnOk(['export', 'latest', '--repo', repo], {}, 1);
    expect(none.stderr).toMatch(/^cairn: --output FILE \(or - for standard output\) is required$/m);
    const bad = await cairnOk(
      ['export', 'latest', '--repo', repo, '--format', 'rar', '-o', path.join(dir, 'a.rar')],
      {},
      1,
    );
    expect(bad.stderr.trim()).toBe('cairn: --format must be zip or tar.gz, not rar');
  });
});

describe('export of API data', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer({ items: 30, projects: 2, commentsPerProject: 2 });
  });
  afterAll(() => server.close());

  it('holds each endpoint as its NDJSON file, as restore writes it', async () => {
    const source = path.join(dir, 'fixture.source.json');
    writeFileSync(
      source,
      JSON.stringify({
        name: 'fixture',
        baseUrl: server.baseUrl,
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
          },
          { name: 'projects', path: '/projects', records: 'data' },
        ],
      }),
    );
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', '--api', source, '--repo', repo]);
    const out = path.join(dir, 'api.zip');
    await cairnOk(['export', 'latest', '/api', '--repo', repo, '-o', out]);
    const unpacked = path.join(dir, 'unpacked');
    execFileSync('unzip', ['-q', out, '-d', unpacked]);
    const restored = path.join(dir, 'restored');
    await cairnOk(['restore', 'latest', '--target', restored, '--repo', repo]);
    for (const name of ['items.ndjson', 'projects.ndjson', 'items.meta.json']) {
      expect(readFileSync(path.join(unpacked, 'api', 'fixture', name), 'utf8')).toBe(
        readFileSync(path.join(restored, 'api', 'fixture', name), 'utf8'),
      );
    }
    const lines = readFileSync(path.join(unpacked, 'api', 'fixture', 'items.ndjson'), 'utf8').split(
      '\n',
    );
    expect(lines).toHaveLength(31);
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: 1, title: 'items 1' });
  });
});

describe('export of a file larger than the memory it may use', () => {
  const dir = tempDir();
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'big');
  const GiB = 1024 * MiB;
  let sha256 = '';

  beforeAll(async () => {
    mkdirSync(src);
    // 1 GiB, sparse on disk: holes with a random MiB every 64 (so not all one chunk).
    const fd = openSync(path.join(src, 'disk.img'), 'w');
    ftruncateSync(fd, GiB);
    const hash = createHash('sha256');
    const zeros = Buffer.alloc(MiB);
    for (let block = 0; block < 1024; block++) {
      if (block % 64 === 0) {
        const data = randomBytes(MiB);
        writeSync(fd, data, 0, MiB, block * MiB);
        hash.update(data);
      } else hash.update(zeros);
    }
    closeSync(fd);
    sha256 = hash.digest('hex');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
  });

  it('goes through with a 64 MB heap and a peak RSS far below the file size', async () => {
    const out = path.join(dir, 'big.tar.gz');
    const args = ['--max-old-space-size=64', CLI, 'export', 'latest', '--repo', repo, '-o', out];
    const rss = await peakRss(process.execPath, args, path.join(dir, 'time.txt'));
    expect(rss.code, rss.stderr).toBe(0);
    expect(rss.peakKiB).toBeGreaterThan(0);
    // Node alone is ~40 MB and the key derivation 32 MB more; a file held in memory would be 1 GiB.
    expect(rss.peakKiB * 1024).toBeLessThan(256 * MiB);
    // Unpacked as a stream, hashed as it comes.
    const tar = spawnSync('sh', ['-c', `tar -xzOf '${out}' big/disk.img | sha256sum`], {
      encoding: 'utf8',
    });
    expect(tar.stdout.split(' ')[0]).toBe(sha256);
  });
});

/** Runs a command and reports its peak resident memory (GNU time, else /proc sampling). */
async function peakRss(
  command: string,
  args: string[],
  report: string,
): Promise<{ code: number | null; peakKiB: number; stderr: string }> {
  const gnuTime = existsSync('/usr/bin/time');
  const argv = gnuTime
    ? ['/usr/bin/time', '-f', '%M', '-o', report, command, ...args]
    : [command, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, CAIRN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let sampled = 0;
  const sampler = gnuTime
    ? undefined
    : setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          sampled = Math.max(sampled, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        } catch {
          // gone
        }
      }, 20);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (sampler) clearInterval(sampler);
  const peakKiB = gnuTime
    ? Number(readFileSync(report, 'utf8').trim().split('\n').at(-1))
    : sampled;
  return { code, peakKiB, stderr };
}
