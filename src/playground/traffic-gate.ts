/**
 * A webhook that lets a rollout step on only once the canary has served enough requests at the current
 * step, so the playground's judge scenarios decide on traffic, not on how fast the machine happens to
 * be: a `confirm-traffic-increase` (and `confirm-promotion`) gate at `/<deployment>?requests=N`. The
 * first step is let through (the canary has no weight before it).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A running gate; always `stop()` it. */
export interface TrafficGate {
  /** The base URL; the gate for a Deployment is `${url}/${deployment}?requests=N`. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the gate on 127.0.0.1; `served(deployment)` tells how many requests a Deployment has answered so far. */
export async function startTrafficGate(served: (deployment: string) => number): Promise<TrafficGate> {
  const openedAt = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://gate');
    const deployment = decodeURIComponent(url.pathname.slice(1));
    const needed = Number(url.searchParams.get('requests') ?? '0');
    const now = served(deployment);
    const since = openedAt.get(deployment);
    if (since === undefined || now - since >= needed) {
      openedAt.set(deployment, now);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    res.writeHead(403, { 'content-type': 'text/plain' }).end(`the canary served ${now - since} of the ${needed} requests this step needs\n`);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
