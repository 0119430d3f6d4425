import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => unknown;

/** A loopback HTTP server for one test: routes by path, counts hits per path, records request headers. */
export class Loopback {
  readonly hits = new Map<string, number>();
  readonly requests: Array<{ path: string; headers: http.IncomingHttpHeaders }> = [];
  private readonly routes = new Map<string, Handler>();
  private readonly server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const hit = (this.hits.get(path) ?? 0) + 1;
    this.hits.set(path, hit);
    this.requests.push({ path, headers: req.headers });
    const handler = this.routes.get(path);
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    Promise.resolve(handler(req, res, hit)).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  private readonly sockets = new Set<import('node:net').Socket>();
  port = 0;

  constructor() {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
