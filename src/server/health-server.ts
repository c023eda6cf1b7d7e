import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A readiness check: a name for the /readyz body and whether that part is healthy now. */
export interface ReadinessCheck {
  name: string;
  healthy(): boolean;
}

export interface HealthServerOptions {
  host?: string;
  port?: number;
  registry: Registry;
  readiness: ReadinessCheck[];
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves /healthz (the process answers), /readyz (every check healthy: informers synced and watching,
 * lease held when leader election is on) and /metrics on one port, as Flagger does.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const failing = options.readiness.filter((check) => !check.healthy()).map((check) => check.name);
      res
        .writeHead(failing.length ? 503 : 200, { 'content-type': 'text/plain' })
        .end(failing.length ? `not ready: ${failing.join(', ')}\n` : 'ok\n');
    } else if (path === '/metrics') {
      options.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(body),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
