// After tsc: bundle the CLI (what `cairn` and `bin.cairn` run) and make it executable.
//
// The CLI runs once per command, so its start-up is paid every time: as ~60 separate ES modules
// the engine took ~100 ms to load before a command could derive its key, and its worker as long
// again. One bundle per entry (the lazily loaded commands and engine rooms stay separate chunks)
// loads in a fraction of that. tsc's dist/electron stays for the Electron main process and
// the tests. Packages stay in node_modules: native ones (zstd-napi, @napi-rs/keyring) cannot be
// bundled, and the rest load only when a command needs them.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const outdir = 'dist/cli';
// No chunk of an earlier build left beside the new ones.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    cairn: 'electron/cli/index.ts',
    // Beside the chunks: the engine finds its worker as ./crypto-worker.js next to its own code.
    'crypto-worker': 'electron/engine/pipeline/crypto-worker.ts',
  },
  outdir,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
chmodSync(`${outdir}/cairn.js`, 0o755);
