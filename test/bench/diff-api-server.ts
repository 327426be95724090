/**
 * The fixture API for the diff bench, in its own process, with its records editable between
 * backups: `tsx diff-api-server.ts '<FixtureServerOptions JSON>'` prints `{"baseUrl": …}`, then
 * applies each stdin line — `{"edit": ID, "title": T}`, `{"delete": ID}`, `{"insert": T}` — to
 * its items and answers `ok`; it stops when stdin closes.
 */
import { createInterface } from 'node:readline';
import { startFixtureServer, type FixtureServerOptions } from '../fixtures/api-server/server.js';

interface Command {
  edit?: number;
  title?: string;
  delete?: number;
  insert?: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as FixtureServerOptions;
const server = await startFixtureServer(options);
process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Command;
  if (command.edit !== undefined)
    server.data.items.edit(command.edit, { title: command.title ?? '' });
  if (command.delete !== undefined) server.data.items.delete(command.delete);
  if (command.insert !== undefined) server.data.items.insert({ title: command.insert });
  process.stdout.write('ok\n');
}
await server.close();
process.exit(0);
