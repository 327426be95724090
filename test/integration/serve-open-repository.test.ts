/**
 * `cairn serve` keeps the repository open between requests: once connected, listing snapshots,
 * a folder and previewing a file answer while the key file is unusable (so no request derived
 * the key again), and disconnecting lets the key go (connecting again needs the key file).
 * Over the real server's WebSocket, as the web UI talks to it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startCairnServe, type ServedCairn } from '../e2e/support/cairn-serve.js';

interface Envelope {
  ok: boolean;
  value?: unknown;
  error?: { kind: string; message: string };
}

/** The web UI's side of the socket: one request at a time, answered by id. */
async function connect(served: ServedCairn): Promise<{
  call(method: string, args?: unknown): Promise<Envelope>;
  close(): void;
}> {
  const port = new URL(served.origin).port;
  const socket = new WebSocket(`${served.origin.replace('http', 'ws')}/ws`, {
    headers: { Origin: served.origin, Cookie: `cairn-token-${port}=${served.token}` },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (e: Envelope) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; response?: Envelope };
    if (message.id !== undefined && message.response) waiting.get(message.id)?.(message.response);
  });
  return {
    call: (method, args = {}) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, args }));
      }),
    close: () => socket.close(),
  };
}

describe('cairn serve keeps the repository open', () => {
  const dir = tempDir('cairn-serve-open-');
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'notes');
  const keys = path.join(repo, 'keys');
  let served: ServedCairn;

  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'todo.txt'), 'water the plants\n');
    await cairnOk(['init', '--repo', repo]);
    await cairnOk(['backup', src, '--repo', repo]);
    served = await startCairnServe(path.join(dir, 'home'));
  });
  afterAll(() => served?.stop());

  it('derives the key once for the requests that follow connecting', async () => {
    const ui = await connect(served);
    try {
      const password = 'correct horse battery staple';
      const connected = await ui.call('connectRepository', { location: repo, password });
      expect(connected).toMatchObject({ ok: true, value: { snapshots: 1 } });

      // From here on, deriving the key would fail: every key file holds other bytes.
      const saved = readdirSync(keys).map((n) => [n, readFileSync(path.join(keys, n))] as const);
      for (const [name] of saved) writeFileSync(path.join(keys, name), '{"not":"a key"}');
      expect((await cairn(['snapshots', '--repo', repo])).code).not.toBe(0);

      const snapshots = await ui.call('listSnapshots');
      expect(snapshots.ok).toBe(true);
      const [snapshot] = snapshots.value as { id: string }[];
      const folder = await ui.call('listTree', { snapshot: snapshot!.id, path: '/notes' });
      expect(folder).toMatchObject({ ok: true, value: [{ name: 'todo.txt', type: 'file' }] });
      const preview = await ui.call('previewFile', {
        snapshot: snapshot!.id,
        path: '/notes/todo.txt',
      });
      expect(preview).toMatchObject({ ok: true, value: { text: 'water the plants\n' } });

      // Disconnecting lets the key go: connecting again has to derive it, and cannot.
      expect((await ui.call('disconnectRepository')).ok).toBe(true);
      const again = await ui.call('connectRepository', { location: repo, password });
      expect(again.ok).toBe(false);
      for (const [name, bytes] of saved) writeFileSync(path.join(keys, name), bytes);
      expect((await ui.call('connectRepository', { location: repo, password })).ok).toBe(true);
    } finally {
      ui.close();
    }
  });
});
