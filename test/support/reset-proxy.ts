/**
 * A TCP proxy on 127.0.0.1 in front of the test's S3 server that cuts presigned reads of one key mid-body
 * with a TCP reset (socket.resetAndDestroy()), the way a load balancer or a flaky network does. Everything
 * else (the SDK's signed-header requests, other keys) passes through untouched.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface ResetPlan {
  /** Presigned GETs whose request line contains this (e.g. the input key) are candidates. */
  path: string;
  /** Connections to cut, counted when cut; after that everything passes. */
  count: number;
  /** Body bytes passed before the first cut. */
  firstBytes: number;
  /** Body bytes passed before each later cut (0: right after the headers, as ffmpeg reconnects). */
  thenBytes: number;
}

export class ResetProxy {
  /** Request lines of the connections cut so far, in order (query strings removed). */
  readonly cuts: string[] = [];
  private plan: ResetPlan | undefined;
  private planCuts = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: string): Promise<ResetProxy> {
    const url = new URL(target);
    const server = createServer();
    const proxy = new ResetProxy(server, { host: url.hostname, port: Number(url.port) });
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's endpoint, for `S3_ENDPOINT`. */
  get url(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Cuts as planned from now on (`cuts` starts empty again). */
  arm(plan: ResetPlan): void {
    this.plan = plan;
    this.planCuts = 0;
    this.cuts.length = 0;
  }

  disarm(): void {
    this.plan = undefined;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    let head = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      head = Buffer.concat([head, data]);
      if (!head.includes('\r\n\r\n') && head.length < 16_384) return;
      client.off('data', onData);
      client.pause();
      this.forward(client, head);
    };
    client.on('data', onData);
  }

  private forward(client: Socket, head: Buffer): void {
    const requestLine = head.toString('latin1', 0, Math.max(0, head.indexOf('\r\n')));
    const limit = this.limitFor(requestLine);
    const upstream = this.track(createConnection(this.target));
    upstream.write(head);
    client.pipe(upstream);
    client.resume();
    if (limit === undefined) {
      upstream.pipe(client);
      return;
    }
    let response = Buffer.alloc(0);
    let bodyStart = -1;
    let passed = 0;
    upstream.on('data', (data: Buffer) => {
      let from = 0; // where the body starts in `data`
      if (bodyStart < 0) {
        response = Buffer.concat([response, data]);
        const end = response.indexOf('\r\n\r\n');
        if (end < 0) return;
        bodyStart = end + 4;
        data = response;
        from = bodyStart;
      }
      const room = limit - passed;
      const body = data.subarray(from);
      if (body.length <= room) {
        // Backpressure: bytes count as passed once the reader takes them, not while they queue here.
        if (!client.write(data)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
        passed += body.length;
        return;
      }
      upstream.pause();
      client.write(data.subarray(0, from + room), () => setTimeout(() => this.cut(client, upstream, requestLine), 50));
      passed = limit;
    });
    upstream.on('end', () => client.end());
  }

  /** Body bytes to pass before a reset, or undefined to pass the connection through. */
  private limitFor(requestLine: string): number | undefined {
    const plan = this.plan;
    if (!plan || this.planCuts >= plan.count) return undefined;
    if (!requestLine.startsWith('GET ') || !requestLine.includes('X-Amz-Signature=') || !requestLine.includes(plan.path)) return undefined;
    return this.planCuts === 0 ? plan.firstBytes : plan.thenBytes;
  }

  private cut(client: Socket, upstream: Socket, requestLine: string): void {
    if (client.destroyed) return;
    this.planCuts++;
    this.cuts.push(requestLine.replace(/\?\S*/, ''));
    client.resetAndDestroy();
    upstream.destroy();
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => undefined); // resets are the point; a peer's reset is not a test failure
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}
