import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';

/**
 * Listens on `host:port` (0 = a free port); `close()` also ends open SSE and keep-alive connections.
 * A request (headers and body) must arrive within `requestTimeoutMs` (default 30 s): slow senders do not
 * hold sockets. Streams are unaffected (their request is complete at once).
 */
export function startApiServer(
  app: express.Express,
  port: number,
  host: string,
  options: { requestTimeoutMs?: number } = {},
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const server = createServer(
      { requestTimeout, headersTimeout: Math.min(requestTimeout, 20_000), connectionsCheckingInterval: Math.min(requestTimeout, 2_000) },
      app,
    );
    server.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      server.keepAliveTimeout = 65_000;
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address;
      resolve({
        url: `http://${shownHost}:${addr.port}`,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
