// Starts a node:http server for a router; used by the daemon and by tests (port 0 = a free port).
// Every request's Host header is checked (DNS rebinding), the connections it holds are capped
// (ConnectionGate), and a listening-socket error (EMFILE on accept) is reported, never thrown.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AllowedHosts } from './allowed-hosts';
import { ConnectionGate, ConnectionGateCounts } from './connection-gate';
import { capByOpenFiles } from './open-files-limit';
import { HttpRouter, sendJson } from './router';

export interface HttpServerOptions {
  /** Connections held at once (default 1,024; lowered to what the open-files limit affords). */
  maxConnections?: number;
  /** A connection that sends no request for this long is closed (default 30 s). */
  idleTimeoutMs?: number;
  /** Host names accepted besides the listen address and the loopback forms. */
  allowedHosts?: readonly string[];
  /** Its host is accepted too. */
  publicUrl?: string;
  /** Where problems of the listening socket and lowered caps are reported. */
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

export const HTTP_DEFAULTS = { maxConnections: 1_024, idleTimeoutMs: 30_000 } as const;
/** The share of the open-files budget the HTTP port may take (xDS takes most of the rest). */
const OPEN_FILES_SHARE = 0.25;

export interface RunningHttpServer {
  server: Server;
  port: number;
  url: string;
  connections(): ConnectionGateCounts;
  close(): Promise<void>;
}

export function startHttpServer(router: HttpRouter, host = '127.0.0.1', port = 0, options: HttpServerOptions = {}): Promise<RunningHttpServer> {
  const warn = options.warn ?? (() => undefined);
  const requested = options.maxConnections ?? HTTP_DEFAULTS.maxConnections;
  const { cap, lowered, limit } = capByOpenFiles(requested, OPEN_FILES_SHARE);
  if (lowered) warn(`HTTP connection cap lowered from ${requested} to ${cap}: the process may open only ${limit} files; raise it (ulimit -n) to allow more`, { limit, cap });
  const gate = new ConnectionGate({ maxConnections: cap, idleTimeoutMs: options.idleTimeoutMs ?? HTTP_DEFAULTS.idleTimeoutMs });
  const hosts = new AllowedHosts({ listenHost: host, publicUrl: options.publicUrl, allowedHosts: options.allowedHosts });
  const server = createServer((request, response) => {
    gate.busy(request.socket);
    response.once('close', () => gate.done(request.socket));
    if (!hosts.allows(request.headers.host)) {
      response.setHeader('connection', 'close');
      return sendJson(response, 421, {
        error: `Host ${JSON.stringify(request.headers.host ?? '')} is not a name of this daemon (accepted: ${hosts.describe()}); add it to http.allowedHosts in the operator configuration if you reach the daemon by that name`,
      });
    }
    router.listener(request, response);
  });
  server.prependListener('connection', (socket) => gate.admit(socket));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      // After listening, an accept failure (EMFILE, ENFILE) is an 'error' event: report it, keep serving.
      server.on('error', (error: NodeJS.ErrnoException) => warn(`HTTP server: ${error.message}`, { code: error.code }));
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        connections: () => gate.status(),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            gate.closeAll();
            server.closeAllConnections();
          }),
      });
    });
  });
}
