/**
 * The engine's light door, beside the facade (service.ts): what a host needs before it loads
 * the engine — the version, whether pools share the main thread, and the key derivation's head
 * start. Importing it costs a few small modules, so a command can start deriving its key while
 * the rest of the engine loads.
 */
export { keepParamsFor, startDerivationFor } from './crypto/kdf-head-start.js';
export { shareMainThread } from './pipeline/main-thread-policy.js';
export { PROGRAM_VERSION } from './version.js';
