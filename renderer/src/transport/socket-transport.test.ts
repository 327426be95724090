import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSocketTransport } from './socket-transport';

/** Just enough of a browser WebSocket for the transport: the test plays the server. */
class FakeSocket extends EventTarget {
  static OPEN = 1;
  static last: FakeSocket;
  readyState = 0;
  sent: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  receive(message: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  drop() {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
}

afterEach(() => vi.unstubAllGlobals());

describe('socket transport', () => {
  it('holds requests until the socket opens, then matches answers to requests by id', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const transport = createSocketTransport('ws://127.0.0.1:1/ws');
    const socket = FakeSocket.last;
    const first = transport.send('getAppInfo', {});
    const second = transport.send('listSnapshots', {});
    expect(socket.sent).toEqual([]);
    socket.open();
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    const [a, b] = socket.sent.map((s) => JSON.parse(s) as { id: number; method: string });
    expect([a?.method, b?.method]).toEqual(['getAppInfo', 'listSnapshots']);
    socket.receive({ id: b?.id, response: { ok: true, value: [] } });
    socket.receive({ id: a?.id, response: { ok: true, value: { mode: 'web' } } });
    expect(await first).toEqual({ ok: true, value: { mode: 'web' } });
    expect(await second).toEqual({ ok: true, value: [] });
  });

  it('hands job events to subscribers until they unsubscribe', () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const transport = createSocketTransport('ws://127.0.0.1:1/ws');
    const seen: string[] = [];
    const unsubscribe = transport.onJobEvent((e) => seen.push(e.type));
    FakeSocket.last.receive({ event: { type: 'cancelled', jobId: 'job-1' } });
    unsubscribe();
    FakeSocket.last.receive({ event: { type: 'cancelled', jobId: 'job-2' } });
    expect(seen).toEqual(['cancelled']);
  });

  it('fails pending and later requests with "disconnected" when the socket closes', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const transport = createSocketTransport('ws://127.0.0.1:1/ws');
    const lost = vi.fn();
    transport.onDisconnect(lost);
    const socket = FakeSocket.last;
    socket.open();
    const pending = transport.send('listSnapshots', {});
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    socket.drop();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'disconnected' } });
    expect(await transport.send('getAppInfo', {})).toMatchObject({
      ok: false,
      error: { kind: 'disconnected' },
    });
    expect(lost).toHaveBeenCalledTimes(1);
  });
});
