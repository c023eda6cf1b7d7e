// Throughput of the sandbox API server: get and list of 1,000 objects (in JSON and in Kubernetes protobuf),
// merge patch, and watch fan-out to 100 watchers. Client and server share this one process (so one core), over plain HTTP with keep-alive.
// Run: node_modules/.bin/node bench/apiserver.bench.ts
import { Agent, request } from 'node:http';
import { startApiServer } from '../src/sandbox/apiserver/index.ts';

const server = await startApiServer({ https: false });
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
const headers = { authorization: `Bearer ${server.token}`, accept: 'application/json' };

const protobufAccept = 'application/vnd.kubernetes.protobuf, application/json';

function call(method: string, path: string, body?: string, contentType = 'application/json', accept = headers.accept): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, agent, headers: { ...headers, accept, 'content-type': contentType } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * CPU seconds (user + system) this process used since `before`. On a shared, loaded machine wall-clock
 * rates swing with other work; requests per CPU second (client and server together) compare runs fairly.
 */
function cpuSeconds(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/** Runs `op` with `concurrency` requests in flight for `ms` milliseconds; returns requests per second. */
async function measure(name: string, op: (i: number) => Promise<number>, concurrency = 16, ms = 2000): Promise<void> {
  let done = 0;
  let failed = 0;
  const cpuBefore = process.cpuUsage();
  const until = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const code = await op(done);
        if (code >= 300) failed++;
        done++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${name.padEnd(34)} ${Math.round(done / seconds).toString().padStart(7)} req/s ${Math.round(done / cpuSeconds(cpuBefore)).toString().padStart(7)} req/cpu-s${failed ? `  (${failed} failed)` : ''}`);
}

await call('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: 'bench' } }));
await call('POST', '/api/v1/namespaces/bench/configmaps', JSON.stringify({ metadata: { name: 'one' }, data: { n: '0' } }));
await measure('get configmap', () => call('GET', '/api/v1/namespaces/bench/configmaps/one'));
await measure('get configmap (protobuf)', () => call('GET', '/api/v1/namespaces/bench/configmaps/one', undefined, undefined, protobufAccept));
await measure('merge patch configmap', (i) => call('PATCH', '/api/v1/namespaces/bench/configmaps/one', JSON.stringify({ data: { n: String(i) } }), 'application/merge-patch+json'));

await call('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: 'big' } }));
for (let i = 0; i < 1000; i++) {
  await call('POST', '/api/v1/namespaces/big/configmaps', JSON.stringify({ metadata: { name: `cm-${String(i).padStart(4, '0')}`, labels: { app: 'bench' } }, data: { payload: 'x'.repeat(200) } }));
}
await measure('list 1,000 configmaps', () => call('GET', '/api/v1/namespaces/big/configmaps'), 4);
await measure('list 1,000 configmaps (protobuf)', () => call('GET', '/api/v1/namespaces/big/configmaps', undefined, undefined, protobufAccept), 4);

// Watch fan-out: 100 open watches; each write must reach all of them.
await call('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: 'fan' } }));
const watchAgent = new Agent({ keepAlive: false, maxSockets: 200 });
let received = 0;
const watchRequests = Array.from({ length: 100 }, () =>
  new Promise<void>((resolve) => {
    const req = request(`${server.url}/api/v1/namespaces/fan/configmaps?watch=true&resourceVersion=0`, { agent: watchAgent, headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        // Counting with indexOf keeps the client's share of the CPU small, so the figure is mostly the server's.
        for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) received++;
      });
      resolve();
    });
    req.on('error', () => {});
    req.end();
  }),
);
await Promise.all(watchRequests);
const writes = 2000;
const fanCpu = process.cpuUsage();
const fanStarted = performance.now();
for (let i = 0; i < writes; i++) await call('POST', '/api/v1/namespaces/fan/configmaps', JSON.stringify({ metadata: { name: `w-${i}` } }));
while (received < writes * 100) await new Promise((r) => setTimeout(r, 5));
const fanSeconds = (performance.now() - fanStarted) / 1000;
const fanCpuSeconds = cpuSeconds(fanCpu);
console.log(`${'watch fan-out (100 watchers)'.padEnd(34)} ${Math.round(writes / fanSeconds).toString().padStart(7)} writes/s ${Math.round(writes / fanCpuSeconds).toString().padStart(7)} writes/cpu-s, ${Math.round((writes * 100) / fanSeconds)} events/s delivered`);

server.faults.dropWatches();
agent.destroy();
watchAgent.destroy();
await server.stop();
