import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP server on a free loopback port that can cut every connection it holds at once: what the
 * test proxies between a controller and the API server stand on (a cut is the controller's process
 * dying, or the end of a test).
 */
export class LoopbackServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  url = '';

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.#server = createServer(handler);
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Destroys every open connection and stops accepting new ones; resolves once the server is closed. */
  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
