/**
 * Carries the contract over a WebSocket: `{ id, method, args }` in, `{ id, response }` out, and
 * every job event pushed as `{ event }`. The session validates arguments exactly as it does for
 * Electron's IPC, so both transports accept the same requests and nothing more.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SocketMessage } from '../../shared/contract.js';
import type { Session } from '../session/session.js';

const maxMessageBytes = 2 * 1024 * 1024;

export class SocketBridge {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });

  constructor(private readonly session: Session) {
    this.wss.on('connection', (socket) => this.attach(socket));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Drops every connected window (they were signed in with a token that no longer holds). */
  disconnectAll(): void {
    for (const client of this.wss.clients) client.close(4001, 'the access token changed');
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private attach(socket: WebSocket): void {
    const send = (message: SocketMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const unsubscribe = this.session.subscribe((event) => send({ event }));
    socket.on('close', unsubscribe);
    socket.on('message', (data) => {
      const request = parseRequest(data);
      if (request === null) {
        socket.close(1003, 'malformed request');
        return;
      }
      void this.session
        .handle(request.method, request.args)
        .then((response) => send({ id: request.id, response }));
    });
  }
}

function parseRequest(data: RawData): { id: number; method: unknown; args: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { id, method, args } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
  return { id, method, args };
}
