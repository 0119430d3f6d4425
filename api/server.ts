import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';

/** Listens on `host:port` (0 = a free port); `close()` also ends open SSE and keep-alive connections. */
export function startApiServer(app: express.Express, port: number, host: string): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
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
