/**
 * Electron's fuses for the packaged app, listed once. Fuses are switches compiled into the
 * Electron binary; they are flipped at packaging time, before code signing, so the signature
 * then keeps anyone from flipping them back. With these, no environment variable or
 * command-line flag turns the shipped Cairn into a general-purpose Node runtime or opens it
 * to a debugger, and it runs only the code in its own app.asar.
 */
import {
  flipFuses,
  FuseState,
  FuseV1Options,
  FuseVersion,
  getCurrentFuseWire,
  type FuseV1Config,
} from '@electron/fuses';

export const cairnFuses = {
  version: FuseVersion.V1,
  // A newer Electron with a fuse not listed here fails packaging until someone decides it.
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would make the signed binary run any script as plain Node. Cairn
  // forks no process of itself (its workers are threads), so nothing needs it.
  [FuseV1Options.RunAsNode]: false,
  // Cookies (and the rest of Chromium's network state) encrypted with the OS keychain's key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS could preload code (--require) into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and its family would open the main process, and the keychain, to a debugger.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Only the app.asar that shipped, verified against the hash the packager records (macOS and
  // Windows); never a loose app/ folder placed beside it.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Cairn ships no V8 snapshot of its own.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The app is served from app://, so file:// pages need no powers beyond a browser's.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Electron's default: WebAssembly bounds checks by trap handlers (none of Cairn's own).
  [FuseV1Options.WasmTrapHandlers]: true,
} satisfies FuseV1Config;

/**
 * Flips the fuses of the Electron binary at `electronPath` (the executable, or the `.app`
 * bundle on macOS), then reads them back: a binary whose fuses differ from the list must
 * not ship. Changes nothing if its fuse wire cannot hold the whole list.
 */
export async function applyFuses(electronPath: string): Promise<void> {
  await flipFuses(electronPath, cairnFuses);
  const wire = await getCurrentFuseWire(electronPath);
  for (const option of fuseOptions()) {
    const found = wire[option];
    // A fuse Electron has removed has no effect either way.
    if (found === FuseState.REMOVED) continue;
    const wanted = cairnFuses[option] ? FuseState.ENABLE : FuseState.DISABLE;
    if (found !== wanted) {
      throw new Error(`fuse ${FuseV1Options[option]} did not flip in ${electronPath}`);
    }
  }
}

function fuseOptions(): FuseV1Options[] {
  return Object.values(FuseV1Options).filter((value) => typeof value === 'number');
}
