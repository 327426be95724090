/**
 * `node dist/electron/packaging/flip-fuses.js ELECTRON`: sets Cairn's fuses (fuses.ts) in a
 * packaged Electron binary, the executable or the `.app` bundle on macOS. Packaging runs it
 * after copying the app into place and before code signing.
 */
import { applyFuses } from './fuses.js';

const [electronPath, ...extra] = process.argv.slice(2);
if (electronPath === undefined || extra.length > 0) {
  process.stderr.write('usage: flip-fuses ELECTRON_BINARY_OR_APP\n');
  process.exit(1);
}
try {
  await applyFuses(electronPath);
  process.stdout.write(`Fuses set in ${electronPath}.\n`);
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Cannot set the fuses of ${electronPath}: ${reason}\n`);
  process.exit(1);
}
