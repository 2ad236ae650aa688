// Starts a node:http server for a router; used by the daemon and by tests (port 0 = a free port).
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpRouter } from './router';

export interface RunningHttpServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export function startHttpServer(router: HttpRouter, host = '127.0.0.1', port = 0): Promise<RunningHttpServer> {
  const server = createServer(router.listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
