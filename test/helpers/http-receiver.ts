/**
 * A real HTTP server on loopback that records what it receives and answers from a script, standing in
 * for webhook receivers, Slack, Teams, Discord, Google Chat and proxies in tests. Nothing is mocked: the
 * code under test opens real sockets to it.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { eventually } from './eventually.ts';

/** One request as the receiver saw it. */
export interface RecordedRequest {
  method: string;
  /** The request target as sent: a path, or an absolute URL when the client used this server as a proxy. */
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the request's body was complete. */
  receivedAt: number;
}

/** How the receiver answers one request. */
export interface Reply {
  status?: number;
  /** The body, or a function of the request (e.g. to echo what a proxy was asked for). */
  body?: string | ((request: RecordedRequest) => string);
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer only once this settles: the test decides when, to show what happens while a request is in flight. */
  until?: Promise<unknown>;
  /** Never answer; the connection stays open until the client gives up or the receiver closes. */
  neverAnswer?: boolean;
  /** Stream this many bytes of body (in 64 KiB chunks, respecting backpressure) instead of `body`. */
  hugeBodyBytes?: number;
}

/** A running receiver; always `close()` it. */
export interface HttpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Answers the next requests with these replies in order; the last one repeats. */
  script(...replies: Reply[]): void;
  /** Resolves with the first `count` requests once they have arrived (the shared polling helper's limit). */
  waitForRequests(count: number): Promise<RecordedRequest[]>;
  /** Bytes of huge bodies actually written to sockets (to show a client stopped reading). */
  hugeBytesSent(): number;
  close(): Promise<void>;
}

/** Replies that fail `times` times with `status`, then answer 200. */
export function failThenSucceed(times: number, status: number, body = 'try again'): Reply[] {
  return [...Array.from({ length: times }, () => ({ status, body })), { status: 200, body: 'ok' }];
}

/** Starts a receiver on 127.0.0.1 with a free port, answering 200 "ok" until scripted otherwise. */
export async function startHttpReceiver(...initial: Reply[]): Promise<HttpReceiver> {
  const requests: RecordedRequest[] = [];
  let replies: Reply[] = initial.length ? initial : [{ status: 200, body: 'ok' }];
  let served = 0;
  let hugeSent = 0;
  const timers = new Set<NodeJS.Timeout>();

  const answer = (reply: Reply, res: ServerResponse, request: RecordedRequest): void => {
    if (reply.neverAnswer) return;
    res.statusCode = reply.status ?? 200;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.hugeBodyBytes === undefined) {
      res.end(typeof reply.body === 'function' ? reply.body(request) : (reply.body ?? ''));
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let remaining = reply.hugeBodyBytes;
    const pump = (): void => {
      while (remaining > 0 && !res.destroyed) {
        const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
        remaining -= piece.length;
        hugeSent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        target: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: performance.now(),
      };
      requests.push(request);
      const reply = replies[Math.min(served, replies.length - 1)];
      served += 1;
      if (reply.until) {
        const answerNow = () => answer(reply, res, request);
        void reply.until.then(answerNow, answerNow);
      } else if (reply.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer(reply, res, request);
        }, reply.delayMs);
        timers.add(timer);
      } else {
        answer(reply, res, request);
      }
    });
    res.on('error', () => undefined); // the client hanging up mid-body is expected in tests
  });

  // As a proxy, a CONNECT (an https target) is recorded and refused: tests see the tunnel was asked for.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    requests.push({ method: 'CONNECT', target: req.url ?? '', headers: req.headers, body: '', receivedAt: performance.now() });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script(...next: Reply[]) {
      replies = next;
      served = 0;
    },
    waitForRequests(count) {
      return eventually(`${count} requests`, () => requests.length >= count && requests.slice(0, count), { lastSeen: () => `${requests.length} requests` });
    },
    hugeBytesSent: () => hugeSent,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
