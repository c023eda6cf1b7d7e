/**
 * One JSON POST with the limits every outbound call of Kanari needs: a deadline that covers connecting,
 * waiting and reading; a response body read only as far as a failure reason can use; and errors turned
 * into plain redacted text, never an axios error object (whose `config` carries the full URL).
 */
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import axios, { type AxiosProxyConfig } from 'axios';
import { redactSecrets } from '../log/redact.ts';

/** How one POST is made. */
export interface PostOptions {
  timeoutMs: number;
  /** `http://[user:pass@]host:port` of a forward proxy; unset means HTTP(S)_PROXY/NO_PROXY of the environment. */
  proxy?: string;
  /** Accept any certificate (the hook's `disableTLS`). */
  insecureTLS?: boolean;
  /** Bytes of response body kept; the rest is never read. Default 4 KiB. */
  maxBodyBytes?: number;
  /** Extra values to redact from error text (e.g. a password from a Secret). */
  knownSecrets?: readonly string[];
}

/** What happened: an HTTP answer (any status), or no answer at all. */
export type PostOutcome =
  | { kind: 'response'; status: number; body: string; headers: Record<string, string> }
  | { kind: 'no-response'; reason: string; timedOut: boolean };

const DEFAULT_MAX_BODY_BYTES = 4096;
// setTimeout fires after 1 ms for any delay past a 32-bit int (about 24.8 days): a longer timeout
// (a webhook's `timeout: 2562047h` is valid) must wait as long as it can instead of not at all.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** POSTs `body` as JSON to `url`; never throws, never takes longer than `timeoutMs`. */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<PostOutcome> {
  const secrets = [...(options.knownSecrets ?? []), ...urlCredentials(url), ...urlCredentials(options.proxy)];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.min(options.timeoutMs, MAX_TIMER_MS));
  try {
    const response = await axios.post<Readable>(url, body, {
      headers: { 'Content-Type': 'application/json' },
      responseType: 'stream',
      signal: controller.signal,
      validateStatus: () => true,
      // A redirect would re-send the payload somewhere the Canary's author did not name.
      maxRedirects: 0,
      // With a proxy, axios tunnels https targets through it with CONNECT; unset, it follows the
      // environment's HTTP(S)_PROXY and NO_PROXY.
      proxy: options.proxy ? proxyConfig(options.proxy) : undefined,
      httpsAgent: options.insecureTLS ? new HttpsAgent({ rejectUnauthorized: false }) : undefined,
    });
    const text = await readPrefix(response.data, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    return { kind: 'response', status: response.status, body: redactSecrets(text, secrets), headers: flatHeaders(response.headers) };
  } catch (err) {
    if (controller.signal.aborted) {
      return { kind: 'no-response', reason: `no answer within ${formatMs(options.timeoutMs)}`, timedOut: true };
    }
    return { kind: 'no-response', reason: redactSecrets(describeError(err), secrets), timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

/** Reads at most `maxBytes` of a body and hangs up on the rest, so a huge answer costs nothing. */
async function readPrefix(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.length;
      if (size >= maxBytes) break; // leaving the loop destroys the stream and its socket
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

function describeError(err: unknown): string {
  if (axios.isAxiosError(err)) {
    // The message of a network error names the address it could not reach (host and port, no path).
    return err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function proxyConfig(proxy: string): AxiosProxyConfig {
  const parsed = new URL(proxy);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return {
    protocol: parsed.protocol.replace(':', ''),
    host: parsed.hostname,
    port,
    ...(parsed.username ? { auth: { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } } : {}),
  };
}

function urlCredentials(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    return [parsed.username, parsed.password].map((part) => decodeURIComponent(part)).filter((part) => part.length >= 4);
  } catch {
    return [];
  }
}

function flatHeaders(headers: object): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
