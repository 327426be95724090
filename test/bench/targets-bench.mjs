// The remote targets bench (issue 13): backup, unchanged re-backup and restore of the bench data
// set to each target on loopback (REST: `rclone serve restic`, WebDAV and SFTP: rclone, S3:
// s3rver) beside the local target, with restic into the same `rclone serve restic` in the same
// run as the reference. Every remote target is reached through a counting TCP proxy, so the
// table shows the bytes each re-backup moved over the wire (both ways) against the size of the
// repository. Restores are verified byte for byte.
// Run by run.mjs (BENCH_TARGETS=0 skips it), or alone: `node test/bench/targets-bench.mjs`
// with BENCH_SIZE_MB, BENCH_SEED, BENCH_TIMEOUT_S as for the main bench, and BENCH_TARGETS_LIST
// (local,rest,webdav,sftp,s3,restic-rest; rest-base with BENCH_BASE_CLI) to pick rows, and
// BENCH_TARGETS_RUNS rounds.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ROOT, ensureData } from './generate-data.mjs';
import { measure } from './measure.mjs';
import { compareTrees, fingerprintTree } from './tree-hash.mjs';

const REPO_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
const CAIRN_CLI = path.join(REPO_ROOT, 'dist/cli/cairn.js');
const S3RVER = path.join(REPO_ROOT, 'test/fixtures/target-servers/s3rver-process.mjs');
const PASSWORD = 'bench-password-not-secret';
const NODE_FIRST_ON_PATH = [path.dirname(process.execPath), process.env.PATH].join(path.delimiter);

const cfg = {
  sizeMB: Number(process.env.BENCH_SIZE_MB ?? 400),
  seed: Number(process.env.BENCH_SEED ?? 20261123),
  timeoutS: Number(process.env.BENCH_TIMEOUT_S ?? 900),
  rows: (process.env.BENCH_TARGETS_LIST ?? 'local,rest,webdav,sftp,s3,restic-rest').split(','),
  // Rounds, each running every row once in turn (cairn, restic, cairn, restic…), so a busy
  // machine's load falls on both alike; each cell is the median over the rounds.
  runs: Number(process.env.BENCH_TARGETS_RUNS ?? 1),
  // A folder for CPU profiles of Cairn's processes (node --cpu-prof), one per command.
  cpuProf: process.env.BENCH_CPU_PROF,
};

const work = path.join(BENCH_ROOT, 'targets');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const data = ensureData({ seed: cfg.seed, sizeMB: cfg.sizeMB });
const expected = fingerprintTree(data.dir);

/** Starts a server process and resolves with its port once `line` shows it listening. */
function startServer(cmd, args, line) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d.toString();
      const m = line.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${cmd} exited ${code}:\n${out}`)));
  });
}

function rclone(kind, root, extra = []) {
  fs.mkdirSync(root, { recursive: true });
  const state = `${root}.rclone`;
  fs.mkdirSync(state, { recursive: true });
  fs.writeFileSync(path.join(state, 'rclone.conf'), '');
  const args = [
    'serve',
    kind,
    root,
    '--addr',
    '127.0.0.1:0',
    '--config',
    path.join(state, 'rclone.conf'),
    '--cache-dir',
    path.join(state, 'cache'),
    ...extra,
  ];
  const line =
    kind === 'sftp'
      ? /SFTP server listening on 127\.0\.0\.1:(\d+)/
      : /http:\/\/127\.0\.0\.1:(\d+)\//;
  return startServer('rclone', args, line);
}

/** A TCP proxy that counts the bytes it carries each way. */
async function countingProxy(upstreamPort) {
  const counts = { up: 0, down: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    // Forward each piece at once: with Nagle's algorithm on the proxy's sockets, every small
    // request waited for a delayed ACK (40 ms), which the SFTP row paid per request.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (d) => (counts.up += d.length));
    upstream.on('data', (d) => (counts.down += d.length));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, counts, stop: () => server.close() };
}

const dirBytes = (dir) =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);

const servers = [];
const row = {};
async function serverFor(kind, root, extra) {
  const server = await rclone(kind, root, extra);
  servers.push(server);
  const proxy = await countingProxy(server.port);
  servers.push(proxy);
  return proxy;
}

/** Each row: how to reach its repository, the tool's commands, where its files are. */
async function setUp(name, round) {
  const dir = path.join(work, `${name}-${round}`);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const cairnEnv = { CAIRN_PASSWORD: PASSWORD, CAIRN_HOME: home, PATH: NODE_FIRST_ON_PATH };
  // The row `rest-base` runs the CLI that BENCH_BASE_CLI names (an earlier build) against
  // REST, interleaved with the others: a before/after comparison under the same load.
  const cli0 = name === 'rest-base' ? process.env.BENCH_BASE_CLI : CAIRN_CLI;
  const node = cfg.cpuProf
    ? [process.execPath, ['--cpu-prof', '--cpu-prof-dir', path.join(cfg.cpuProf, name), cli0]]
    : [cli0, []];
  const cli = (args) => [node[0], [...node[1], ...args]];
  const cairn = (location, env, files, counts) => ({
    env: { ...cairnEnv, ...env },
    files,
    counts,
    init: cli(['init', '--repo', location]),
    backup: cli(['backup', data.dir, '--repo', location]),
    restore: (t) => cli(['restore', 'latest', '--target', t, '--repo', location]),
    restored: (t) => path.join(t, path.basename(data.dir)),
  });
  switch (name) {
    case 'local': {
      const repo = path.join(dir, 'repo');
      return cairn(repo, {}, repo, null);
    }
    case 'rest':
    case 'rest-base':
    case 'restic-rest': {
      const root = path.join(dir, 'server');
      const p = await serverFor('restic', root);
      if (name !== 'restic-rest')
        return cairn(`rest:http://127.0.0.1:${p.port}/repo`, {}, path.join(root, 'repo'), p.counts);
      const location = `rest:http://127.0.0.1:${p.port}/repo`;
      return {
        env: { RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: path.join(home, 'cache') },
        files: path.join(root, 'repo'),
        counts: p.counts,
        init: ['restic', ['-r', location, 'init', '--repository-version', '2']],
        backup: ['restic', ['-r', location, 'backup', data.dir]],
        restore: (t) => ['restic', ['-r', location, 'restore', 'latest', '--target', t]],
        restored: (t) => path.join(t, data.dir),
      };
    }
    case 'webdav': {
      const root = path.join(dir, 'server');
      const p = await serverFor('webdav', root);
      return cairn(`webdav:http://127.0.0.1:${p.port}/repo`, {}, path.join(root, 'repo'), p.counts);
    }
    case 'sftp': {
      const root = path.join(dir, 'server');
      const p = await serverFor('sftp', root, [
        '--user',
        'bench',
        '--pass',
        'bench-sftp',
        '--authorized-keys',
        '/dev/null',
      ]);
      return cairn(
        `sftp:bench@127.0.0.1:${p.port}/repo`,
        { CAIRN_SFTP_PASSWORD: 'bench-sftp' },
        path.join(root, 'repo'),
        p.counts,
      );
    }
    case 's3': {
      const root = path.join(dir, 'server');
      fs.mkdirSync(root, { recursive: true });
      const s = await startServer(
        process.execPath,
        ['--openssl-legacy-provider', S3RVER, root, 'bench'],
        /listening (\d+)/,
      );
      servers.push(s);
      const p = await countingProxy(s.port);
      servers.push(p);
      return cairn(
        `s3:http://127.0.0.1:${p.port}/bench/repo`,
        { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', CAIRN_S3_PATH_STYLE: '1' },
        root,
        p.counts,
      );
    }
  }
  throw new Error(`unknown row ${name}`);
}

async function timed(name, ctx, [cmd, args]) {
  // Every command starts with nothing waiting to be written: the last one's writes (a 400 MB
  // restore, a repository, a deleted tree) would otherwise be flushed during this one, and
  // slow whichever tool happened to come next.
  spawnSync('sync');
  const before = ctx.counts ? ctx.counts.up + ctx.counts.down : 0;
  const r = await measure(cmd, args, { env: ctx.env, timeoutS: cfg.timeoutS });
  if (r.code !== 0)
    throw new Error(
      `${name}: ${cmd} ${args.slice(0, 2).join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').at(-1)}`,
    );
  return {
    seconds: r.seconds,
    cpu: r.cpuSeconds,
    bytes: ctx.counts ? ctx.counts.up + ctx.counts.down - before : null,
  };
}

const available = spawnSync('rclone', ['version']).error === undefined;
if (!available) console.log('SKIP targets bench: rclone not installed');
else {
  console.log(
    `\ntargets bench: ${cfg.sizeMB} MB, ${data.files} files, loopback servers, ${cfg.runs} round(s)`,
  );
  const runs = {};
  const done = [];
  for (let round = 0; round < cfg.runs; round++) {
    for (const name of cfg.rows) {
      if (runs[name]?.error) continue;
      try {
        const ctx = await setUp(name, round);
        await timed(name, ctx, ctx.init);
        if (name === 'restic-rest' && round === 0) {
          // restic calibrates its key derivation when it creates the key (about 0.5 s of
          // scrypt, less work on a busy machine); Cairn's is fixed (N=2^15, r=8, p=5).
          const keys = path.join(ctx.files, 'keys');
          const key = JSON.parse(fs.readFileSync(path.join(keys, fs.readdirSync(keys)[0])));
          console.log(`  restic's key: scrypt N=${key.N} r=${key.r} p=${key.p}`);
        }
        const backup = await timed(name, ctx, ctx.backup);
        const size = dirBytes(ctx.files);
        const again = await timed(name, ctx, ctx.backup);
        const target = path.join(work, `${name}-${round}`, 'restore');
        const restore = await timed(name, ctx, ctx.restore(target));
        const diffs = compareTrees(expected, fingerprintTree(ctx.restored(target)));
        if (diffs.length) throw new Error(`${name}: restore differs: ${diffs.join('; ')}`);
        (runs[name] ??= []).push({ backup, again, restore, size });
        // Kept until the end: on ext4 without a journal, creating a file skips every inode
        // freed in the last minutes, so deleting a restored tree here made the next row's
        // restore pay for its 6 000 inodes (measured: up to 1.4 s of system time, landing on
        // whichever tool came next).
        done.push(path.join(work, `${name}-${round}`));
        const s = (m) => `${m.seconds.toFixed(2)}s/${m.cpu?.toFixed(2) ?? '?'}cpu`;
        console.log(`  ${name} #${round + 1}: ${s(backup)} ${s(again)} ${s(restore)}`);
      } catch (e) {
        runs[name] = { error: e.message };
        console.log(`  ${name}: FAILED ${e.message}`);
      }
      for (const s of servers.splice(0)) s.stop();
    }
  }
  for (const d of done) fs.rmSync(d, { recursive: true, force: true });
  const median = (xs) => {
    const v = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
    if (!v.length) return null;
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  for (const [name, rs] of Object.entries(runs)) {
    if (rs.error) {
      row[name] = rs;
      continue;
    }
    row[name] = {
      backup: median(rs.map((r) => r.backup.seconds)),
      rebackup: median(rs.map((r) => r.again.seconds)),
      restore: median(rs.map((r) => r.restore.seconds)),
      cpu: {
        backup: median(rs.map((r) => r.backup.cpu)),
        rebackup: median(rs.map((r) => r.again.cpu)),
        restore: median(rs.map((r) => r.restore.cpu)),
      },
      size: median(rs.map((r) => r.size)),
      moved: median(rs.map((r) => r.again.bytes)),
      runs: rs.map((r) => [r.backup.seconds, r.again.seconds, r.restore.seconds]),
    };
  }
  // Each ratio is the median of the rounds' ratios: a round's two rows ran side by side, under
  // about the same load.
  const refRuns = row['restic-rest']?.runs;
  const ratio = (r, i) => {
    if (!refRuns) return '—';
    const m = median(r.runs.map((x, k) => (refRuns[k] ? x[i] / refRuns[k][i] : null)));
    return m === null ? '—' : m.toFixed(2);
  };
  const lines = [
    [
      'target',
      'backup s',
      're-backup s',
      'restore s',
      'vs restic (b/re/r)',
      'CPU s (b/re/r)',
      're-backup moved',
      'of repo',
    ],
  ];
  for (const [name, r] of Object.entries(row)) {
    if (r.error) {
      lines.push([name, 'FAILED', '', '', '', '', '', '']);
      continue;
    }
    lines.push([
      name,
      r.backup.toFixed(2),
      r.rebackup.toFixed(2),
      r.restore.toFixed(2),
      name === 'restic-rest' ? 'reference' : `${ratio(r, 0)} / ${ratio(r, 1)} / ${ratio(r, 2)}`,
      [r.cpu.backup, r.cpu.rebackup, r.cpu.restore].map((c) => c?.toFixed(2) ?? '?').join(' / '),
      r.moved === null ? 'local' : `${(r.moved / 1e6).toFixed(3)} MB`,
      r.moved === null ? '' : `${((r.moved / r.size) * 100).toFixed(2)} %`,
    ]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  console.log(lines.map((l) => l.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n'));
  fs.writeFileSync(
    path.join(BENCH_ROOT, 'targets-results.json'),
    JSON.stringify(
      { date: new Date().toISOString(), sizeMB: cfg.sizeMB, runs: cfg.runs, rows: row },
      null,
      2,
    ),
  );
  fs.rmSync(work, { recursive: true, force: true });
  if (Object.values(row).some((r) => r.error)) process.exitCode = 1;
}
