// What CRD validation rules (CEL) cost the sandbox API server, on the upstream Gateway API v1.6.1 HTTPRoute
// CRD: compiling all its rules (done once per CRD write), evaluating them on a canary router's route and
// on the largest route the schema allows, and server-side creates with the rules and without them.
// Run: node_modules/.bin/node bench/cel-validation.bench.ts
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseAllDocuments } from 'yaml';
import { startApiServer } from '../src/sandbox/apiserver/index.ts';
import { compileSchema } from '../src/sandbox/apiserver/cel/rule-compiler.ts';
import { evaluateRules } from '../src/sandbox/apiserver/cel/rule-validator.ts';
import type { SchemaProps } from '../src/sandbox/apiserver/structural-schema.ts';
import { gatewayApiCrdFiles } from '../src/sandbox/gateway-api-crds.ts';

type Crd = { metadata: { name: string }; spec: { group: string; versions: { name: string; schema: { openAPIV3Schema: SchemaProps } }[] } };
const httproutes = gatewayApiCrdFiles('v1.6.1').filter((f) => f.endsWith('httproutes.yaml'))[0];
const crd = parseAllDocuments(readFileSync(httproutes, 'utf8'))[0].toJS() as Crd;
const schema = crd.spec.versions.find((v) => v.name === 'v1')!.schema.openAPIV3Schema;

const service = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: 9898, weight });
const canaryRoute = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'podinfo', namespace: 'bench' },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }],
    rules: [
      { matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }], path: { type: 'PathPrefix', value: '/' } }], backendRefs: [service('podinfo-canary', 100)] },
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [service('podinfo-primary', 90), service('podinfo-canary', 10)] },
    ],
  },
};
const largestRoute = {
  ...canaryRoute,
  spec: {
    parentRefs: canaryRoute.spec.parentRefs,
    rules: Array.from({ length: 16 }, () => ({
      matches: Array.from({ length: 8 }, (_, i) => ({ path: { type: 'PathPrefix', value: `/p${i}` } })),
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: 'b' }] } }],
      backendRefs: Array.from({ length: 16 }, (_, i) => ({ ...service(`svc-${i}`, 1), filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-b', value: 'c' }] } }] })),
    })),
  },
};

function timed(label: string, runs: number, fn: () => void): void {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const perRun = Number(process.hrtime.bigint() - start) / runs / 1e3;
  console.log(`${label.padEnd(58)} ${perRun >= 1000 ? `${(perRun / 1000).toFixed(1)} ms` : `${perRun.toFixed(0)} µs`} per run (${runs} runs)`);
}

const compiled = compileSchema(schema, 'spec.versions[0].schema.openAPIV3Schema');
if (compiled.causes.length > 0 || !compiled.root) throw new Error('the HTTPRoute rules did not compile');
const root = compiled.root;
timed('compile every rule of HTTPRoute v1 (v1.6.1)', 20, () => compileSchema(schema, 'x'));
timed('evaluate the rules: canary route (2 rules, 3 backendRefs)', 2000, () => evaluateRules(root, canaryRoute, undefined));
timed('evaluate the rules: canary route, update (with old object)', 2000, () => evaluateRules(root, canaryRoute, canaryRoute));
timed('evaluate the rules: largest route (16×8 matches, 256 refs)', 50, () => evaluateRules(root, largestRoute, undefined));

// Server side: dry-run creates of the canary route into the upstream CRD and into a copy without rules.
const withoutRules = (s: unknown): unknown => {
  if (Array.isArray(s)) return s.map(withoutRules);
  if (typeof s !== 'object' || s === null) return s;
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'x-kubernetes-validations').map(([k, v]) => [k, withoutRules(v)]));
};
const bare = withoutRules(crd) as Crd;
bare.metadata.name = 'httproutes.bare.example.dev';
bare.spec.group = 'bare.example.dev';

const server = await startApiServer({ https: false });
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const send = (method: string, path: string, body: unknown) =>
  new Promise<number>((resolve, reject) => {
    const req = request(new URL(path, server.url), { method, agent, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
try {
  await send('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
  for (const c of [crd, bare]) {
    const code = await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', c);
    if (code !== 201) throw new Error(`installing ${c.metadata.name}: ${code}`);
  }
  for (const group of ['bare.example.dev', 'gateway.networking.k8s.io']) {
    const body = { ...canaryRoute, apiVersion: `${group}/v1` };
    const total = 2000;
    const cpu = process.cpuUsage();
    const start = Date.now();
    for (let sent = 0; sent < total; sent += 16) {
      const codes = await Promise.all(Array.from({ length: 16 }, () => send('POST', `/apis/${group}/v1/namespaces/bench/httproutes?dryRun=All`, body)));
      if (codes.some((c) => c !== 201)) throw new Error(`create failed: ${codes.join(',')}`);
    }
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    console.log(`dry-run creates, ${group === 'bare.example.dev' ? 'HTTPRoute CRD without its rules' : 'upstream HTTPRoute CRD with rules '}  ${Math.round(total / cpuSeconds)} req/cpu-s, ${Math.round(total / ((Date.now() - start) / 1000))} req/s`);
  }
} finally {
  agent.destroy();
  await server.stop();
}
