/**
 * Proxies that sit between Cairn and a real storage server and break chosen exchanges, for
 * the fault-injection tests: the only stand-ins in those tests, and they stand in for the
 * network, never for the server.
 *
 * HttpFaultProxy answers 5xx, drops the connection in the middle of an upload, stalls, cuts an
 * answer short or flips a byte of an upload, for the next N requests matching a method and
 * path, or lets the server act and loses its answer. TcpFaultProxy (for SFTP) cuts connections once a number of bytes went upstream, and
 * logs what came back (for the pace of a download).
 */
import http from 'node:http';
import net from 'node:net';

export type HttpFault =
  | { kind: 'status'; status: number }
  /** Reads part of the request body, then destroys the connection. */
  | { kind: 'reset-mid-request' }
  /** Reads the request and never answers. */
  | { kind: 'stall' }
  /** Forwards, but passes only half of the answer's body before destroying the connection. */
  | { kind: 'truncate-answer' }
  /** Forwards the request with one byte of its body flipped. */
  | { kind: 'flip-byte' }
  /** Forwards the request, lets the server act on it, then drops the connection unanswered. */
  | { kind: 'lose-answer' };

export interface Match {
  method?: string;
  path?: RegExp;
  /** A request header that must be present (lower case). */
  header?: string;
}

interface Rule extends Match {
  fault: HttpFault;
  remaining: number;
}

export class HttpFaultProxy {
  /** "METHOD /path" of every request seen, in order. */
  readonly requests: string[] = [];
  /** Body bytes that went to the server (requests) and came back (answers), for bytes moved. */
  bytesUp = 0;
  bytesDown = 0;
  private rules: Rule[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: http.Server,
    private readonly upstream: number,
  ) {}

  static async start(upstreamPort: number): Promise<HttpFaultProxy> {
    const server = http.createServer();
    const proxy = new HttpFaultProxy(server, upstreamPort);
    server.on('request', (req, res) => proxy.handle(req, res));
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Breaks the next `times` requests that match (Infinity: all of them until clear()). */
  inject(match: Match, fault: HttpFault, times = 1): void {
    this.rules.push({ ...match, fault, remaining: times });
  }

  clear(): void {
    this.rules = [];
  }

  /** How many requests matched so far. */
  count(match: Match): number {
    return this.requests.filter((r) => {
      const [method, path] = r.split(' ');
      return (!match.method || match.method === method) && (!match.path || match.path.test(path!));
    }).length;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    this.requests.push(`${method} ${path}`);
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (!r.method || r.method === method) &&
        (!r.path || r.path.test(path)) &&
        (!r.header || r.header in req.headers),
    );
    if (rule) rule.remaining--;
    const fault = rule?.fault;
    switch (fault?.kind) {
      case 'status':
        req.resume();
        req.on('end', () => {
          res.writeHead(fault.status, { 'content-type': 'text/plain' });
          res.end(`injected ${fault.status}\n`);
        });
        return;
      case 'reset-mid-request': {
        const length = Number(req.headers['content-length'] ?? 0);
        let seen = 0;
        req.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen >= length / 2) req.socket.destroy();
        });
        req.on('end', () => req.socket.destroy());
        return;
      }
      case 'stall':
        req.resume();
        return; // the client gives up (its timeout), or stop() ends it
      default:
        this.forward(req, res, fault);
    }
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, fault?: HttpFault): void {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: this.upstream,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (fault?.kind === 'lose-answer') {
          answer.resume();
          answer.on('end', () => res.socket?.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => (this.bytesDown += chunk.length));
        if (fault?.kind !== 'truncate-answer') {
          answer.pipe(res);
          return;
        }
        const length = Number(answer.headers['content-length'] ?? 0);
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= length / 2) return;
          const part = chunk.subarray(0, Math.max(0, Math.ceil(length / 2) - sent));
          sent += part.length;
          res.write(part);
          if (sent >= length / 2) res.socket?.destroy();
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    let flipped = fault?.kind !== 'flip-byte';
    req.on('data', (chunk: Buffer) => {
      if (!flipped && chunk.length > 0) {
        chunk = Buffer.from(chunk);
        chunk[Math.floor(chunk.length / 2)]! ^= 0x20;
        flipped = true;
      }
      this.bytesUp += chunk.length;
      upstream.write(chunk);
    });
    req.on('end', () => upstream.end());
  }
}

export class TcpFaultProxy {
  /** Every piece that came from the server: when (performance.now()) and its bytes. */
  readonly fromServer: { at: number; bytes: number }[] = [];
  private cutsLeft = 0;
  private cutAfterBytes = 0;
  private counted = 0;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();

  private constructor(private readonly server: net.Server) {}

  static async start(upstreamPort: number): Promise<TcpFaultProxy> {
    const server = net.createServer();
    const proxy = new TcpFaultProxy(server);
    server.on('connection', (client) => proxy.connect(client, upstreamPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /**
   * Cuts a connection once `bytes` more bytes have gone from Cairn to the server, `times`
   * times (Infinity: until clear()).
   */
  cutAfter(bytes: number, times = 1): void {
    this.cutAfterBytes = bytes;
    this.cutsLeft = times;
    this.counted = 0;
  }

  clear(): void {
    this.cutsLeft = 0;
  }

  async stop(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: net.Socket, port: number): void {
    const server = net.connect(port, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, server];
    this.pairs.add(pair);
    const end = (): void => {
      client.destroy();
      server.destroy();
      this.pairs.delete(pair);
    };
    client.on('data', (chunk: Buffer) => {
      if (this.cutsLeft > 0) {
        this.counted += chunk.length;
        if (this.counted >= this.cutAfterBytes) {
          this.cutsLeft--;
          this.counted = 0;
          end();
          return;
        }
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      this.fromServer.push({ at: performance.now(), bytes: chunk.length });
      client.write(chunk);
    });
    client.on('error', end);
    server.on('error', end);
    client.on('close', end);
    server.on('close', end);
  }
}
