// How fast the sandbox's SMI data plane follows a TrafficSplit: a merge patch of the weights → the first
// request the apex proxy routes by the new weights. Each run flips the split between 100/0 and 0/100 and
// probes with requests back to back until the other version answers. The API server, the simulated
// kubelet, the data plane and this bench share one process (one event loop), as in the playground.
//
// Run: node_modules/.bin/node bench/data-plane.bench.ts [--runs 200]
import { createPodinfoBackends } from '../test/helpers/podinfo-backends.ts';
import { parseArgs } from 'node:util';
import { Agent, request } from 'node:http';
import { ApiextensionsV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { startApiServer } from '../src/sandbox/apiserver/index.ts';
import { startSmiDataPlane } from '../src/sandbox/dataplane/smi-data-plane.ts';
import { startSimulatedKubelet } from '../src/sandbox/kubelet/simulated-kubelet.ts';
import { nearestRankPercentile } from '../src/sandbox/loadgen/load-generator.ts';
import { VERSION_HEADER } from '../src/sandbox/sample-app/sample-app.ts';
import { smiCrds } from '../src/sandbox/smi-crds.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const runs = Number(args.runs);
const NS = 'default';

const server = await startApiServer();
const kc = server.kubeConfig;
for (const crd of smiCrds()) await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd as V1CustomResourceDefinition });
const custom = kc.makeApiClient(CustomObjectsApi);
await createPodinfoBackends(kc, NS);
const kubelet = await startSimulatedKubelet({ kubeConfig: kc, startupDelayMs: 0, seed: 1 });
const dataPlane = await startSmiDataPlane({ kubeConfig: kc, endpoints: kubelet.endpoints, seed: 2 });
const apex = await dataPlane.addApex(NS, 'podinfo');
await dataPlane.synced();

const agent = new Agent({ keepAlive: true });
/** One request to the apex; the version that answered. */
const probe = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const req = request(apex.url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers[VERSION_HEADER] ?? '')));
    });
    req.on('error', reject);
    req.end();
  });
const backends = (canary: number) => [{ service: 'podinfo-primary', weight: 100 - canary }, { service: 'podinfo-canary', weight: canary }];
/** Probes back to back until `version` answers; how many probes that took. */
const probeUntil = async (version: string): Promise<number> => {
  for (let probes = 1; ; probes++) if ((await probe()) === version) return probes;
};

await custom.createNamespacedCustomObject({
  group: 'split.smi-spec.io', version: 'v1alpha4', namespace: NS, plural: 'trafficsplits',
  body: { apiVersion: 'split.smi-spec.io/v1alpha4', kind: 'TrafficSplit', metadata: { name: 'podinfo' }, spec: { service: 'podinfo', backends: backends(0) } },
});
const readyStarted = performance.now();
while (!(kubelet.endpoints(NS, 'podinfo-primary').length === 2 && kubelet.endpoints(NS, 'podinfo-canary').length === 2)) {
  if (performance.now() - readyStarted > 60_000) throw new Error('the sample app replicas did not become ready within 60 s');
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await probeUntil('v1');

const fromSent: number[] = [];
const fromAcknowledged: number[] = [];
const probeCounts: number[] = [];
for (let run = 0; run < runs; run++) {
  const canary = run % 2 === 0 ? 100 : 0;
  const sent = performance.now();
  await custom.patchNamespacedCustomObject(
    { group: 'split.smi-spec.io', version: 'v1alpha4', namespace: NS, plural: 'trafficsplits', name: 'podinfo', body: { spec: { backends: backends(canary) } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const acknowledged = performance.now();
  probeCounts.push(await probeUntil(canary === 100 ? 'v2' : 'v1'));
  const routed = performance.now();
  fromSent.push(routed - sent);
  fromAcknowledged.push(routed - acknowledged);
}

const ms = (values: number[], p: number) => `${nearestRankPercentile(values, p).toFixed(1)} ms`;
console.log(`TrafficSplit weight flip → first request routed by the new weights, ${runs} runs:`);
console.log(`  from the patch sent          p50 ${ms(fromSent, 0.5)}  p99 ${ms(fromSent, 0.99)}  max ${ms(fromSent, 1)}`);
console.log(`  from the patch acknowledged  p50 ${ms(fromAcknowledged, 0.5)}  p99 ${ms(fromAcknowledged, 0.99)}  max ${ms(fromAcknowledged, 1)}`);
console.log(`  probes per run               p50 ${nearestRankPercentile(probeCounts, 0.5)}  max ${Math.max(...probeCounts)}`);

agent.destroy();
await dataPlane.stop();
await kubelet.stop();
await server.stop();
