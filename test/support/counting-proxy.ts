/**
 * A TCP proxy on 127.0.0.1 in front of the test's S3 server that counts the bytes the server sends back:
 * point one process's `S3_ENDPOINT` at it to see how much of the bucket that process reads (presigned URLs
 * signed for this endpoint go through it too). It passes them at `bytesPerSecond`, as a network link does:
 * unthrottled on loopback, a reader that opens `bytes=0-` and soon seeks elsewhere (ffprobe looking for a
 * moov at the end) has megabytes pushed into its socket buffers that it never reads, and they would count.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class CountingProxy {
  /** Bytes from the server to the clients since the start or the last `reset()`. */
  received = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(target: string, bytesPerSecond = 32 * 1024 ** 2): Promise<CountingProxy> {
    const { hostname, port } = new URL(target);
    const server = createServer();
    const proxy = new CountingProxy(server);
    server.on('connection', (client) => {
      const upstream = createConnection({ host: hostname, port: Number(port) });
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('error', () => undefined); // a reader that stops early closes its connection: not a test failure
        s.on('close', () => proxy.sockets.delete(s));
      }
      client.pipe(upstream);
      upstream.on('data', (data: Buffer) => {
        // One piece at a time, then a pause as long as the link takes to carry it.
        upstream.pause();
        proxy.received += data.length;
        client.write(data);
        setTimeout(() => upstream.resume(), (1000 * data.length) / bytesPerSecond);
      });
      upstream.on('end', () => client.end());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's endpoint, for `S3_ENDPOINT`. */
  get url(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  reset(): void {
    this.received = 0;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
