// A TCP proxy on loopback that a test can cut to simulate a network partition: while cut, open
// connections are frozen (bytes are swallowed, nothing is refused) and new ones hang, as packets
// dropped by a partition would.
import * as net from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private partitioned = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy;
    const server = net.createServer((client) => {
      proxy.sockets.add(client);
      client.on('close', () => proxy.sockets.delete(client));
      client.on('error', () => undefined);
      if (proxy.partitioned) return; // accepted, never answered
      const upstream = net.connect(targetPort, '127.0.0.1');
      proxy.sockets.add(upstream);
      upstream.on('close', () => proxy.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('data', (chunk) => {
        if (!proxy.partitioned) upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (!proxy.partitioned) client.write(chunk);
      });
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Drops every byte from now on, both ways. */
  cut(): void {
    this.partitioned = true;
  }

  /** Ends the partition: frozen connections are reset (as a client would time them out); new ones pass. */
  heal(): void {
    this.partitioned = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
