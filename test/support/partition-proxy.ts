/**
 * A TCP proxy on 127.0.0.1 that can partition the network: `partition()` freezes every connection through it
 * (nothing flows either way, nothing is closed: calls hang, as across a dead link) and holds new ones;
 * `heal()` lets everything flow again. Put in front of Temporal, it cuts a worker off from the server while
 * the worker still reaches S3.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class PartitionProxy {
  private partitioned = false;
  private readonly pairs = new Set<[Socket, Socket]>();

  private constructor(private readonly server: Server) {}

  /** `target` is `host:port`. */
  static async start(target: string): Promise<PartitionProxy> {
    const [host, port] = target.split(':');
    const server = createServer();
    const proxy = new PartitionProxy(server);
    server.on('connection', (client) => {
      const upstream = createConnection({ host: host!, port: Number(port) });
      const pair: [Socket, Socket] = [client, upstream];
      proxy.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      if (proxy.partitioned) for (const s of pair) s.pause();
      const close = (): void => {
        proxy.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `host:port` for `TEMPORAL_ADDRESS`. */
  get address(): string {
    const a = this.server.address();
    if (!a || typeof a === 'string') throw new Error('proxy not listening');
    return `127.0.0.1:${a.port}`;
  }

  partition(): void {
    this.partitioned = true;
    for (const pair of this.pairs) for (const s of pair) s.pause();
  }

  heal(): void {
    this.partitioned = false;
    for (const pair of this.pairs) for (const s of pair) s.resume();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) for (const s of pair) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
