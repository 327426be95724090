/**
 * Web-mode transport: the contract over one WebSocket to `cairn serve`. The token travels in
 * the HttpOnly cookie the server set at sign-in, so this code never sees it. Requests made
 * before the socket opens wait for it; if the socket closes, pending requests fail with a
 * 'disconnected' error and the app says so.
 */
import type { Envelope, JobEvent, RequestName, SocketMessage } from '../../../shared/contract';
import type { Transport } from '../api';

const disconnected: Envelope<never> = {
  ok: false,
  error: {
    kind: 'disconnected',
    message: 'The connection to Cairn was lost.',
  },
};

export function createSocketTransport(url: string): Transport {
  const socket = new WebSocket(url);
  const opened = new Promise<boolean>((resolve) => {
    socket.addEventListener('open', () => resolve(true), { once: true });
    socket.addEventListener('close', () => resolve(false), { once: true });
  });
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const jobListeners = new Set<(event: JobEvent) => void>();
  const disconnectListeners = new Set<() => void>();
  let nextId = 1;

  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as SocketMessage;
    if ('event' in data) {
      for (const listener of jobListeners) listener(data.event);
    } else {
      pending.get(data.id)?.(data.response);
      pending.delete(data.id);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve(disconnected);
    pending.clear();
    for (const listener of disconnectListeners) listener();
  });

  return {
    mode: 'web',
    async send(name: RequestName, args: unknown) {
      if (!(await opened) || socket.readyState !== WebSocket.OPEN) return disconnected;
      const id = nextId++;
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method: name, args }));
      });
    },
    onJobEvent(listener) {
      jobListeners.add(listener);
      return () => jobListeners.delete(listener);
    },
    onDisconnect(listener) {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
  };
}
