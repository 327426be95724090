/**
 * Runs one CLI command module in its own process, as `cairn` will: `run-command.ts MODULE ARGS…`
 * where MODULE is a file name under electron/cli/commands (without .ts).
 */
const [moduleName, ...args] = process.argv.slice(2);
const module = (await import(`../../../electron/cli/commands/${moduleName}.ts`)) as {
  run(argv: string[]): Promise<number>;
};
process.exitCode = await module.run(args);
