// A real local HTTP server standing in for a hosted API that cannot run here; it records every
// request exactly (method, path, headers, parsed body) so tests assert what was sent.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeReply {
  status: number;
  body: unknown;
  /** Extra response headers (pagination: `link`, `x-next-page`). */
  headers?: Record<string, string>;
}

export abstract class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Status codes to answer with, one per request, before answering normally (e.g. [502, 503]). */
  failures: number[] = [];
  private server: http.Server | undefined;
  origin = '';

  protected abstract reply(request: RecordedRequest): FakeReply;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // kept as text: the assertion shows what was sent
        }
        const recorded = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
        this.requests.push(recorded);
        const failure = this.failures.shift();
        const reply = failure !== undefined ? { status: failure, body: { message: `fake server error ${failure}` } } : this.reply(recorded);
        response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers }).end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
