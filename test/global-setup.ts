// Placeholder so vitest.config.ts resolves on this branch; main owns the real global setup.
export default async function (): Promise<void> {}
