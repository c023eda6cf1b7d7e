/**
 * A loopback stand-in for a Slack incoming webhook: it accepts what Kanari's Slack provider posts and
 * keeps it, so the playground can show what a channel would have received and tests can assert on it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One Slack message as received. */
export interface SlackDelivery {
  /** Epoch milliseconds of arrival. */
  at: number;
  body: SlackBody;
}

/** The parts of an incoming-webhook body the playground reads. */
export interface SlackBody {
  text?: string;
  channel?: string;
  username?: string;
  attachments?: { color?: string; blocks?: SlackBlock[] }[];
  blocks?: SlackBlock[];
}

/** A Block Kit block (header, section, context). */
export interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text?: string }[];
}

/** A running receiver; always `stop()` it. */
export interface SlackReceiver {
  /** The webhook address to put in the AlertProvider's Secret. */
  url: string;
  received(): readonly SlackDelivery[];
  /** Called for every message as it arrives. */
  onMessage(listener: (delivery: SlackDelivery) => void): void;
  stop(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1; it answers `ok` as Slack does. */
export async function startSlackReceiver(): Promise<SlackReceiver> {
  const deliveries: SlackDelivery[] = [];
  const listeners: ((delivery: SlackDelivery) => void)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      let body: SlackBody;
      try {
        body = JSON.parse(text) as SlackBody;
      } catch {
        // Slack's own answer to a body it cannot read.
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      const delivery = { at: Date.now(), body };
      deliveries.push(delivery);
      for (const listener of listeners) listener(delivery);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0000/B0000/playground`,
    received: () => deliveries,
    onMessage: (listener) => {
      listeners.push(listener);
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
