/** Kept in step with package.json by hand; printed by `cairn --version` and stored in snapshots. */
export const PROGRAM_VERSION = '0.1.0';
