import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.ts';

/** The Prometheus binary the suites run; CI installs the Debian package when it is missing. */
export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus';
/** promtool, which ships with Prometheus: it turns recorded series into TSDB blocks. */
export const PROMTOOL_BINARY = process.env.PROMTOOL_BINARY ?? '/usr/bin/promtool';

/** What else a Prometheus starts with. */
export interface PrometheusOptions {
  /**
   * Recorded series in the OpenMetrics text format (`# EOF` at the end), loaded as TSDB blocks before
   * Prometheus starts (`promtool tsdb create-blocks-from openmetrics`), so a past window can be queried.
   */
  history?: string;
}

export interface RunningPrometheus {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a real Prometheus on a free loopback port with a temporary data dir, scraping `targets` every
 * second, and resolves once it reports ready. Fails loudly when the binary is absent: never a silent skip.
 */
export async function startPrometheus(targets: string[], options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS_BINARY)) {
    throw new Error(`Prometheus is not installed at ${PROMETHEUS_BINARY}: run "apt-get install -y prometheus" (.ci/run does) or set PROMETHEUS_BINARY`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'kanari-prometheus-'));
  if (options.history !== undefined) await createBlocks(options.history, dir);
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: mesh',
    '    honor_labels: true',
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Recorded history lies in the past: keep it instead of deleting it as expired.
      `--storage.tsdb.retention.time=${options.history === undefined ? '1h' : '3650d'}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => stderr);
  } catch (err) {
    await close();
    throw err;
  }
  return { url, close };
}

async function createBlocks(history: string, dir: string): Promise<void> {
  if (!existsSync(PROMTOOL_BINARY)) throw new Error(`promtool is not installed at ${PROMTOOL_BINARY}: it comes with the prometheus package, or set PROMTOOL_BINARY`);
  const file = join(dir, 'history.om.txt');
  await writeFile(file, history);
  await new Promise<void>((resolve, reject) => {
    execFile(PROMTOOL_BINARY, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, join(dir, 'data')], { timeout: 120_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`promtool could not create blocks: ${stderr || error.message}`)) : resolve(),
    );
  });
}

/** Polls `query` until `accept` says its answer is complete (scrapes have landed). */
export async function waitForQuery(url: string, query: string, accept: (values: number[]) => boolean): Promise<number[]> {
  let last: number[] = [];
  return eventually(
    `Prometheus to answer ${query} as expected`,
    async () => {
      const body = await getJson(`${url}/api/v1/query?query=${encodeURIComponent(query)}`).catch(() => undefined);
      const result = (body as { data?: { result?: Array<{ value: [number, string] }> } } | undefined)?.data?.result ?? [];
      last = result.map((r) => Number(r.value[1]));
      return accept(last) && last;
    },
    { everyMs: 250, lastSeen: () => last },
  );
}

/**
 * A loopback reverse proxy in front of Prometheus that answers 401 unless the request carries exactly
 * `authorization`, the way an authenticating gateway in front of a hosted Prometheus does.
 */
export async function startAuthProxy(targetUrl: string, authorization: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const target = new URL(targetUrl);
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.headers.authorization ?? '');
    if (request.headers.authorization !== authorization) {
      response.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' });
      response.end('unauthorized\n');
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: { ...request.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const outcome = await eventually(
    'Prometheus to become ready',
    async () => {
      if (child.exitCode !== null) return 'exited';
      const ready = await new Promise<boolean>((resolve) => {
        http.get(`${url}/-/ready`, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        }).on('error', () => resolve(false));
      });
      return ready && 'ready';
    },
    { everyMs: 100, lastSeen: stderr },
  );
  if (outcome === 'exited') throw new Error(`Prometheus exited with ${child.exitCode}: ${stderr()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
      })
      .on('error', reject);
  });
}
