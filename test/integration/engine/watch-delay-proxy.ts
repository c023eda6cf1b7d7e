import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** The same kubeconfig, pointed at another server address. */
export function kubeConfigVia(original: KubeConfig, server: string): KubeConfig {
  const exported = JSON.parse(original.exportConfig()) as { clusters: { cluster: { server: string } }[] };
  for (const entry of exported.clusters) entry.cluster.server = server;
  const config = new KubeConfig();
  config.loadFromString(JSON.stringify(exported));
  return config;
}

/**
 * A loopback HTTP proxy between a controller and the API server that can hold back the watch events
 * of one resource while every request and every other watch goes through: the controller's cache of
 * that resource falls behind what the API server (and the controller's own writes) already hold, as
 * happens for a moment after any write, made to last as long as a test needs.
 */
export class WatchDelayProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #upstream: URL;
  readonly #resource: RegExp;
  #held: (() => void)[] | undefined;
  url = '';

  /** `resource` matches the watch paths to hold, e.g. `/\/canaries\b/`. */
  constructor(upstream: string, resource: RegExp) {
    this.#upstream = new URL(upstream);
    this.#resource = resource;
    this.#server = createServer((req, res) => {
      const watched = /[?&]watch=(true|1)\b/.test(req.url ?? '') && this.#resource.test(req.url ?? '');
      const upstreamRequest = httpRequest(
        { host: this.#upstream.hostname, port: this.#upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: this.#upstream.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (!watched) return void answer.pipe(res);
          answer.on('data', (chunk: Buffer) => {
            if (this.#held) this.#held.push(() => res.write(chunk));
            else res.write(chunk);
          });
          answer.on('end', () => (this.#held ? this.#held.push(() => res.end()) : res.end()));
        },
      );
      upstreamRequest.on('error', () => res.destroy());
      res.on('close', () => upstreamRequest.destroy());
      req.pipe(upstreamRequest);
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** From now on, events of the held resource wait. */
  hold(): void {
    this.#held ??= [];
  }

  /** Delivers what was held, in order, and lets events through again. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const deliver of held) deliver();
  }

  async close(): Promise<void> {
    this.release();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
