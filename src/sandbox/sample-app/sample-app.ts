/**
 * The sample service the simulated kubelet runs for each ready replica: a real HTTP server on loopback
 * whose answers (version, failures, latency) follow its pod template's environment.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { planResponse, type SampleAppBehaviour } from './sample-app-behaviour.ts';
import { createSeededRandom } from './seeded-random.ts';

/** The response header that names the version which answered; the data plane counts by it. */
export const VERSION_HEADER = 'x-kanari-version';
/** The response header that states how long the app took (its LATENCY_MS draw); the data plane's latency figures use it. */
export const SERVICE_TIME_HEADER = 'x-kanari-service-time-ms';

/** Options of one sample-app replica. */
export interface SampleAppOptions {
  behaviour: SampleAppBehaviour;
  /** Seed of this replica's failure and jitter draws. */
  seed: number | string;
  /** Named in the body, so a person can see which replica answered. */
  podName?: string;
  /** Defaults to 0 (a free port). */
  port?: number;
  /** Whether /healthz answers 200 from the start; defaults to true. */
  ready?: boolean;
}

/** A running replica; always `stop()` it. */
export interface SampleApp {
  url: string;
  port: number;
  /** Makes /healthz answer 200 (true) or 503 (false). */
  setReady(ready: boolean): void;
  /** Requests answered so far, by outcome (health checks excluded). */
  served(): { ok: number; failed: number };
  /** Requests received and not answered yet (health checks excluded). */
  inFlight(): number;
  /**
   * Stops the replica. With a grace period it terminates as a pod does: no new connections, requests
   * in flight are answered (on connections then closed), and what is left after the grace is cut.
   * Without one it dies at once, as a killed container would.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a replica on 127.0.0.1. */
export async function startSampleApp(options: SampleAppOptions): Promise<SampleApp> {
  const { behaviour } = options;
  const random = createSeededRandom(options.seed);
  let ready = options.ready ?? true;
  let ok = 0;
  let failed = 0;
  let answered = 0;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let terminating = false;
  let lastReplySent: () => void = () => undefined;

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.url === '/healthz' || req.url?.startsWith('/healthz?')) {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ok\n' : 'not ready\n');
      return;
    }
    // Both draws happen for every request so one request's fate never shifts the next one's.
    const plan = planResponse(behaviour, random.next(), random.next(), answered++);
    const reply = (): void => {
      timers.delete(timer);
      if (plan.fail) failed++;
      else ok++;
      const body = plan.fail
        ? { version: behaviour.version, pod: options.podName, error: 'injected failure (ERROR_RATE)' }
        : { version: behaviour.version, pod: options.podName, message: `hello from ${behaviour.version}` };
      // A terminating replica tells the client not to reuse the connection.
      const headers = { 'content-type': 'application/json', [VERSION_HEADER]: behaviour.version, [SERVICE_TIME_HEADER]: String(plan.delayMs) };
      res.writeHead(plan.fail ? 500 : 200, { ...headers, ...(terminating ? { connection: 'close' } : {}) });
      res.end(`${JSON.stringify(body)}\n`);
      if (terminating && timers.size === 0) lastReplySent();
    };
    const timer = setTimeout(reply, plan.delayMs);
    timers.add(timer);
    req.resume();
  };

  const server = createServer(answer);
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setReady: (value) => {
      ready = value;
    },
    served: () => ({ ok, failed }),
    inFlight: () => timers.size,
    stop: async (graceMs = 0) => {
      terminating = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (graceMs > 0 && timers.size > 0) {
        let graceTimer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          lastReplySent = resolve;
          graceTimer = setTimeout(resolve, graceMs).unref();
        });
        clearTimeout(graceTimer);
      }
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // What is still open after the grace is dropped, as a killed container's connections are.
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
