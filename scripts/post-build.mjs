// After tsc: make the CLI entry executable so `bin.cairn` works once installed.
import { chmodSync, existsSync } from 'node:fs';

const cli = 'dist/electron/cli/index.js';
if (existsSync(cli)) chmodSync(cli, 0o755);
