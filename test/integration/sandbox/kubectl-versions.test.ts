import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';
import { startSimulatedKubelet, type SimulatedKubelet } from '../../../src/sandbox/kubelet/simulated-kubelet.ts';
import { DEFAULT_KUBECTL, Kubectl, protobufMessages, VERSIONED_KUBECTLS } from '../../helpers/kubectl.ts';

// The first five minutes of a person with a kubectl from 1.27 to 1.33 (and the machine's default one) in
// front of the sandbox: create, run, expose, apply both ways, get in every output, edit, scale, describe
// and roll out, back and forth. kubectl 1.32 and later send the objects of create/run/expose as
// Kubernetes protobuf and read typed answers (describe, rollout undo) as protobuf; the earlier ones speak
// JSON, and 1.27 and 1.28 fetch /openapi/v2 as protobuf before a validated apply. The simulated kubelet
// plays the deployment controller, so rollouts progress. Versions run concurrently, each in its namespace.

const BINARIES = [...VERSIONED_KUBECTLS, ...(DEFAULT_KUBECTL ? [{ version: 'default', binary: DEFAULT_KUBECTL }] : [])];
/** kubectl 1.32 and later use protobuf for typed requests; the default one is probed at start. */
const speaksProtobuf = (version: string, defaultMinor: number) => (version === 'default' ? defaultMinor : Number(version.split('.')[1])) >= 32;

if (BINARIES.length === 0) console.warn('kubectl versions suite skipped: no kubectl binary found');
const describeWithKubectl = BINARIES.length > 0 ? describe : describe.skip;

describeWithKubectl('kubectl 1.27 to 1.33 against the sandbox', () => {
  let server: SandboxApiServer;
  let kubelet: SimulatedKubelet;
  let dir: string;
  let editor: string;
  let defaultMinor = 0;

  beforeAll(async () => {
    server = await startApiServer();
    kubelet = await startSimulatedKubelet({ kubeConfig: server.kubeConfig, serve: false, startupDelayMs: 50 });
    dir = await mkdtemp(join(tmpdir(), 'kanari-kubectl-versions-'));
    await writeFile(join(dir, 'kubeconfig'), server.kubeconfigYaml());
    // `kubectl edit` runs $EDITOR on a temporary file: this one changes the image like a person would.
    editor = join(dir, 'edit-image.sh');
    await writeFile(editor, '#!/bin/sh\nsed -i "s#image: nginx:1.27#image: nginx:1.28#" "$1"\n');
    await chmod(editor, 0o755);
    if (DEFAULT_KUBECTL) {
      const version = JSON.parse(await kubectlFor(DEFAULT_KUBECTL, 'probe').ok(['version', '--client', '-o', 'json'])) as { clientVersion: { minor: string } };
      defaultMinor = Number.parseInt(version.clientVersion.minor, 10);
    }
  }, 60_000);

  afterAll(async () => {
    await kubelet?.stop();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function kubectlFor(binary: string, version: string): Kubectl {
    return new Kubectl(binary, join(dir, 'kubeconfig'), join(dir, `cache-${version}`));
  }

  test.concurrent.each(BINARIES)('kubectl $version: create, run, expose, apply, get, edit, scale, describe, rollout', async ({ version, binary }) => {
    const k = kubectlFor(binary, version);
    const ns = `kubectl-${version.replace('.', '-')}`;
    const protobuf = speaksProtobuf(version, defaultMinor);
    const inNs = (...args: string[]) => ['-n', ns, ...args];

    // create: namespace, deployment (with -v=8 to see the wire format), configmap, secret, service.
    expect(await k.ok(['create', 'namespace', ns])).toContain(`namespace/${ns} created`);
    const created = await k.run(inNs('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=8080', '-v=8'));
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('deployment.apps/web created');
    // The request body and the answer: protobuf for 1.32 and later, JSON before.
    if (protobuf) expect(protobufMessages(created.stderr)).toBeGreaterThanOrEqual(2);
    else expect(protobufMessages(created.stderr)).toBe(0);
    expect(await k.ok(inNs('create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=empty='))).toContain('configmap/settings created');
    expect(await k.ok(inNs('create', 'secret', 'generic', 'token', '--from-literal=key=s3cret'))).toContain('secret/token created');
    expect(await k.ok(inNs('create', 'service', 'clusterip', 'backend', '--tcp=80:8080'))).toContain('service/backend created');
    expect(await k.ok(inNs('run', 'debug', '--image=busybox:1.36', '--labels=app=debug', '--', 'sleep', '3600'))).toContain('pod/debug created');
    expect(await k.ok(inNs('expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--name=web'))).toContain('service/web exposed');

    // get: JSON, YAML, wide and the default table.
    const settings = JSON.parse(await k.ok(inNs('get', 'configmap', 'settings', '-o', 'json'))) as { data: Record<string, string> };
    expect(settings.data).toEqual({ mode: 'fast', empty: '' });
    const token = JSON.parse(await k.ok(inNs('get', 'secret', 'token', '-o', 'json'))) as { data: Record<string, string>; type: string };
    expect(Buffer.from(token.data.key, 'base64').toString()).toBe('s3cret');
    expect(token.type).toBe('Opaque');
    const web = await k.ok(inNs('get', 'service', 'web', '-o', 'yaml'));
    expect(web).toMatch(/targetPort: 8080/);
    expect(web).toMatch(/selector:\n\s+app: web/);
    expect(web).toMatch(/clusterIP: 10\.96\.\d+\.\d+/);
    const pod = JSON.parse(await k.ok(inNs('get', 'pod', 'debug', '-o', 'json'))) as { spec: { containers: { image: string; args: string[] }[] } };
    expect(pod.spec.containers[0]).toMatchObject({ image: 'busybox:1.36', args: ['sleep', '3600'] });
    expect(await k.ok(inNs('get', 'deployment', 'web', '-o', 'wide'))).toMatch(/^web\s+\S+\s+\d+\s+\d+\s+\S+\s+nginx\s+nginx:1\.27\s+app=web$/m);
    const table = await k.ok(inNs('get', 'deployments,services,configmaps,secrets'));
    for (const name of ['deployment.apps/web', 'service/backend', 'service/web', 'configmap/settings', 'secret/token']) expect(table).toContain(name);

    // apply, client-side (created, then configured) and server-side; 1.27 and 1.28 validate with /openapi/v2.
    const applied = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns }, data: { v: '1' } };
    expect(await k.ok(['apply', '-f', '-'], { input: stringify(applied) })).toContain('configmap/applied created');
    expect(await k.ok(['apply', '-f', '-'], { input: stringify({ ...applied, data: { v: '2' } }) })).toContain('configmap/applied configured');
    const ssa = { ...applied, metadata: { name: 'ssa', namespace: ns } };
    expect(await k.ok(['apply', '--server-side', '-f', '-'], { input: stringify(ssa) })).toContain('configmap/ssa serverside-applied');
    expect(await k.ok(inNs('get', 'configmap', 'applied', '-o', 'jsonpath={.data.v}'))).toBe('2');

    // The first rollout completes once the simulated deployment controller has made the pods ready.
    expect(await k.ok(inNs('rollout', 'status', 'deployment/web', '--timeout=90s'), { timeoutMs: 100_000 })).toContain('successfully rolled out');

    // describe reads the Deployment, its ReplicaSets and its events with typed (protobuf) requests.
    const described = await k.run(inNs('describe', 'deployment', 'web', '-v=8'));
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available/);
    expect(described.stdout).toMatch(/NewReplicaSet:\s+web-[a-z0-9]+ \(2\/2 replicas created\)/);
    if (protobuf) expect(protobufMessages(described.stderr)).toBeGreaterThanOrEqual(2);

    // edit: $EDITOR changes the image; that is a new rollout.
    expect(await k.ok(inNs('edit', 'deployment', 'web'), { env: { EDITOR: editor, KUBE_EDITOR: editor } })).toContain('deployment.apps/web edited');
    expect(await k.ok(inNs('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'))).toBe('nginx:1.28');
    expect(await k.ok(inNs('rollout', 'status', 'deployment/web', '--timeout=90s'), { timeoutMs: 100_000 })).toContain('successfully rolled out');

    // rollout undo goes back to the first ReplicaSet's template (read as protobuf by 1.32 and later).
    expect(await k.ok(inNs('rollout', 'undo', 'deployment/web'))).toContain('deployment.apps/web rolled back');
    expect(await k.ok(inNs('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'))).toBe('nginx:1.27');

    // scale, then restart and wait for that rollout too.
    expect(await k.ok(inNs('scale', 'deployment', 'web', '--replicas=3'))).toContain('deployment.apps/web scaled');
    expect(await k.ok(inNs('rollout', 'restart', 'deployment/web'))).toContain('deployment.apps/web restarted');
    expect(await k.ok(inNs('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations}'))).toContain('kubectl.kubernetes.io/restartedAt');
    expect(await k.ok(inNs('rollout', 'status', 'deployment/web', '--timeout=90s'), { timeoutMs: 100_000 })).toContain('successfully rolled out');
    expect(await k.ok(inNs('get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}'))).toBe('3');
  }, 240_000);
});
