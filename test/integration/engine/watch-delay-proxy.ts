import { request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { LoopbackServer } from '../../helpers/loopback-server.ts';

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
  readonly #server: LoopbackServer;
  readonly #upstream: URL;
  readonly #resource: RegExp;
  #held: (() => void)[] | undefined;

  /** `resource` matches the watch paths to hold, e.g. `/\/canaries\b/`. */
  constructor(upstream: string, resource: RegExp) {
    this.#upstream = new URL(upstream);
    this.#resource = resource;
    this.#server = new LoopbackServer((req, res) => {
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
  }

  get url(): string {
    return this.#server.url;
  }

  listen(): Promise<void> {
    return this.#server.listen();
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
    await this.#server.close();
  }
}
