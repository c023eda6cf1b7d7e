import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { eventually } from '../../helpers/eventually.ts';
import { DEFAULT_KUBECTL, Kubectl, type KubectlResult } from '../../helpers/kubectl.ts';

// The machine's default kubectl against the sandbox API server: what a person typing kubectl would see.
// kubectl-versions.test.ts runs the everyday commands with every kubectl from 1.27 to 1.33.

interface RunningApiServer {
  url: string;
  openWatches(): number;
  kubeconfigYaml(): string;
  stop(): Promise<void>;
}
type StartApiServer = (opts?: Record<string, unknown>) => Promise<RunningApiServer>;

const KUBECTL = DEFAULT_KUBECTL;
const REPO = new URL('../../../', import.meta.url).pathname;
const NS = 'kubectl-test';

if (!KUBECTL) console.warn('kubectl suite skipped: no kubectl binary found in /usr/bin or /usr/local/bin');
const describeWithKubectl = KUBECTL ? describe : describe.skip;

describeWithKubectl('real kubectl against the sandbox API server', () => {
  let server: RunningApiServer;
  let dir: string;
  let kubeconfig: string;

  let kubectlBinary: Kubectl;
  const run = (args: string[], opts: { input?: string } = {}): Promise<KubectlResult> => kubectlBinary.run(args, opts);
  const kubectl = (args: string[], opts: { input?: string } = {}): Promise<string> => kubectlBinary.ok(args, opts);

  const manifest = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

  function deployment(image: string, env: { name: string; value: string }[]) {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'podinfo', namespace: NS, labels: { app: 'podinfo' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'podinfo' } },
        template: {
          metadata: { labels: { app: 'podinfo' } },
          spec: {
            containers: [
              { name: 'podinfod', image, ports: [{ containerPort: 9898, name: 'http' }], env },
              { name: 'sidecar', image: 'busybox:1.36' },
            ],
          },
        },
      },
    };
  }

  const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { k: 'v' } });

  const jsonpath = (kind: string, name: string, path: string) =>
    kubectl(['get', kind, name, '-n', NS, '-o', `jsonpath={${path}}`]);

  beforeAll(async () => {
    const modulePath = join(REPO, 'src/sandbox/apiserver/index.ts');
    const { startApiServer } = (await import(modulePath)) as { startApiServer: StartApiServer };
    server = await startApiServer();
    dir = await mkdtemp(join(tmpdir(), 'kanari-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, server.kubeconfigYaml());
    kubectlBinary = new Kubectl(KUBECTL as string, kubeconfig, join(dir, 'cache'));
    await writeFile(join(dir, 'smi-crds.yaml'), manifest(...smiCrds({})));
    // kubectl 1.32 and later send this as protobuf.
    await kubectl(['create', 'namespace', NS]);
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates namespaces, configmaps, secrets and service accounts, which kubectl sends as protobuf', async () => {
    expect(await jsonpath('namespace', NS, '.status.phase')).toBe('Active');
    expect(await kubectl(['create', 'configmap', 'literal', '-n', NS, '--from-literal=a=1', '--from-literal=b=two'])).toContain('configmap/literal created');
    expect(await jsonpath('cm', 'literal', '.data')).toBe('{"a":"1","b":"two"}');
    expect(await kubectl(['create', 'secret', 'generic', 'token', '-n', NS, '--from-literal=key=s3cret'])).toContain('secret/token created');
    expect(await jsonpath('secret', 'token', '.data.key')).toBe(Buffer.from('s3cret').toString('base64'));
    expect(await jsonpath('secret', 'token', '.type')).toBe('Opaque');
    expect(await kubectl(['create', 'serviceaccount', 'robot', '-n', NS])).toContain('serviceaccount/robot created');
    const yaml = await kubectl(['get', 'cm', 'literal', '-n', NS, '-o', 'yaml']);
    expect(yaml).not.toContain('generateName');
    await kubectl(['delete', 'cm', 'literal', '-n', NS]);
  });

  it('installs the SMI CRDs with apply -f and lists ts among api-resources', async () => {
    const applied = await kubectl(['apply', '-f', join(dir, 'smi-crds.yaml')]);
    expect(applied).toContain('customresourcedefinition.apiextensions.k8s.io/trafficsplits.split.smi-spec.io created');
    const resources = await kubectl(['api-resources']);
    expect(resources).toMatch(/^trafficsplits\s+ts\s+split\.smi-spec\.io\/v1alpha4\s+true\s+TrafficSplit$/m);
    expect(resources).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  });

  it('creates a TrafficSplit and shows its printer columns with get ts', async () => {
    const split = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'podinfo', namespace: NS },
      spec: { service: 'podinfo', backends: [{ service: 'podinfo-primary', weight: 90 }, { service: 'podinfo-canary', weight: 10 }] },
    };
    await kubectl(['apply', '-f', '-'], { input: manifest(split) });
    const table = await kubectl(['get', 'ts', '-n', NS]);
    // As in a real cluster, a CRD with printer columns gets NAME and its own columns, no AGE it did not declare.
    expect(table).toMatch(/^NAME\s+SERVICE\s*$/m);
    expect(table).toMatch(/^podinfo\s+podinfo\b/m);
    const yaml = await kubectl(['get', 'trafficsplits.v1alpha2.split.smi-spec.io', 'podinfo', '-n', NS, '-o', 'yaml']);
    expect(yaml).toContain('service: podinfo-canary');
  });

  it('applies client-side, then re-applies with a changed image and a removed env var', async () => {
    const created = await kubectl(['apply', '-f', '-'], {
      input: manifest(deployment('podinfo:6.0.0', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }])),
    });
    expect(created).toContain('deployment.apps/podinfo created');
    const configured = await kubectl(['apply', '-f', '-'], {
      input: manifest(deployment('podinfo:6.0.1', [{ name: 'A', value: '1' }])),
    });
    expect(configured).toContain('deployment.apps/podinfo configured');
    expect(await jsonpath('deploy', 'podinfo', '.spec.template.spec.containers[*].image')).toBe('podinfo:6.0.1 busybox:1.36');
    expect(await jsonpath('deploy', 'podinfo', '.spec.template.spec.containers[0].env[*].name')).toBe('A');
    const yaml = await kubectl(['get', 'deploy', 'podinfo', '-n', NS, '-o', 'yaml']);
    expect(yaml).toContain('kubectl.kubernetes.io/last-applied-configuration');
    expect(yaml).toMatch(/generation: 2/);
  });

  it('applies server-side, recording kubectl as the Apply manager', async () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: NS }, data: { a: '1', b: '2' } };
    expect(await kubectl(['apply', '--server-side', '-f', '-'], { input: manifest(configMap) })).toContain('configmap/ssa serverside-applied');
    await kubectl(['apply', '--server-side', '-f', '-'], { input: manifest({ ...configMap, data: { a: '1' } }) });
    expect(await jsonpath('cm', 'ssa', '.data')).toBe('{"a":"1"}');
    const yaml = await kubectl(['get', 'cm', 'ssa', '-n', NS, '-o', 'yaml', '--show-managed-fields']);
    expect(yaml).toMatch(/manager: kubectl\n\s+operation: Apply/);
    const conflict = await run(['apply', '--server-side', '--field-manager=other', '-f', '-'], {
      input: manifest({ ...configMap, data: { a: 'changed' } }),
    });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "kubectl"');
    await kubectl(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], {
      input: manifest({ ...configMap, data: { a: 'changed' } }),
    });
    expect(await jsonpath('cm', 'ssa', '.data.a')).toBe('changed');
  });

  it('patches with --type=merge, --type=json and the default strategic merge', async () => {
    await kubectl(['patch', 'deploy', 'podinfo', '-n', NS, '--type=merge', '-p', '{"metadata":{"annotations":{"team":"a"}}}']);
    expect(await jsonpath('deploy', 'podinfo', '.metadata.annotations.team')).toBe('a');
    await kubectl(['patch', 'deploy', 'podinfo', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]']);
    expect(await jsonpath('deploy', 'podinfo', '.spec.replicas')).toBe('2');
    const failedTest = await run(['patch', 'deploy', 'podinfo', '-n', NS, '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":7}]']);
    expect(failedTest.code).not.toBe(0);
    // The real server's generic 422 carries json-patch's error as a cause without a field; kubectl prints
    // causes as "<field>: <message>", hence the empty field before the second colon.
    expect(failedTest.stderr).toContain('The request is invalid: : testing value /spec/replicas failed: test failed');
    expect(await jsonpath('deploy', 'podinfo', '.spec.replicas')).toBe('2');
    await kubectl(['patch', 'deploy', 'podinfo', '-n', NS, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}']);
    expect(await jsonpath('deploy', 'podinfo', '.spec.template.spec.containers[*].name')).toBe('podinfod');
    const crPatch = await run(['patch', 'ts', 'podinfo', '-n', NS, '-p', '{"spec":{"service":"x"}}']);
    expect(crPatch.stderr).toContain('the body of the request was in an unknown format');
  });

  it('labels, scales and sets an image', async () => {
    await kubectl(['label', 'deploy', 'podinfo', '-n', NS, 'canary=true']);
    expect(await kubectl(['get', 'deploy', '-n', NS, '-l', 'canary=true', '-o', 'name'])).toBe('deployment.apps/podinfo\n');
    await kubectl(['label', 'deploy', 'podinfo', '-n', NS, 'canary-']);
    expect(await kubectl(['get', 'deploy', '-n', NS, '-l', 'canary', '-o', 'name'])).toBe('');
    expect(await kubectl(['scale', 'deploy', 'podinfo', '-n', NS, '--replicas=3'])).toContain('deployment.apps/podinfo scaled');
    expect(await jsonpath('deploy', 'podinfo', '.spec.replicas')).toBe('3');
    expect(await kubectl(['set', 'image', 'deploy/podinfo', '-n', NS, 'podinfod=podinfo:6.1.0'])).toContain('image updated');
    expect(await jsonpath('deploy', 'podinfo', '.spec.template.spec.containers[0].image')).toBe('podinfo:6.1.0');
  });

  it('deletes an owner and the API server cascades to what it owns', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest(configMap('owner')) });
    const uid = await jsonpath('cm', 'owner', '.metadata.uid');
    const owned = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'owned', namespace: NS, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }] },
    };
    await kubectl(['apply', '-f', '-'], { input: manifest(owned) });
    expect(await kubectl(['delete', 'cm', 'owner', '-n', NS, '--cascade=background'])).toContain('configmap "owner" deleted');
    let remaining = 'configmap/owned\n';
    await eventually('the owned ConfigMap to be collected', async () => (remaining = await kubectl(['get', 'cm', 'owned', '-n', NS, '-o', 'name', '--ignore-not-found'])) === '', { lastSeen: () => remaining });
  });

  /** Starts a long-running kubectl (a watch) and collects what it prints. */
  function follow(args: string[]) {
    const child = spawn(KUBECTL as string, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    return {
      waitFor: (text: string) => eventually(`kubectl to print ${JSON.stringify(text)}`, () => seen.includes(text) && seen, { lastSeen: () => seen }),
      stop: async () => {
        child.kill();
        await exited;
      },
    };
  }

  it('streams changes with get --watch until stopped', async () => {
    const watch = follow(['get', 'configmaps', '-n', NS, '--watch', '-o', 'name']);
    try {
      expect(await watch.waitFor('configmap/ssa')).toContain('configmap/ssa');
      await kubectl(['apply', '-f', '-'], { input: manifest(configMap('watched')) });
      await kubectl(['delete', 'configmap', 'watched', '-n', NS]);
      expect(await watch.waitFor('configmap/watched')).toContain('configmap/watched');
    } finally {
      await watch.stop();
    }
  });

  it('follows events with kubectl events --watch, a protobuf watch from kubectl 1.32 on', async () => {
    const events = follow(['events', '-n', NS, '--watch']);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      const event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'podinfo.greeting', namespace: NS },
        involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: NS },
        reason: 'Greeted',
        message: 'hello from the test',
        type: 'Normal',
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
      };
      await kubectl(['create', '-f', '-'], { input: manifest(event) });
      expect(await events.waitFor('hello from the test')).toMatch(/Normal\s+Greeted\s+Deployment\/podinfo\s+hello from the test/);
    } finally {
      await events.stop();
    }
  });

  it('ends get --watch by itself when --request-timeout passes, and the server lets the watch go', async () => {
    const started = Date.now();
    // Without the timeout the watch would run until Jest gives up; with it kubectl exits after it, never before.
    const result = await run(['get', 'configmaps', '-n', NS, '--watch', '-o', 'name', '--request-timeout=2s']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('configmap/ssa');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await eventually('the server to let the watch go', () => server.openWatches() === 0, { lastSeen: () => `${server.openWatches()} open watches` });
  });

  const crdsDir = join(REPO, 'crds');
  const examplesDir = join(REPO, 'examples');
  (existsSync(crdsDir) ? it : it.skip)('applies the Kanari CRDs from crds/ and the examples client-side and server-side', async () => {
    await kubectl(['apply', '-f', crdsDir]);
    expect(await kubectl(['get', 'crd', '-o', 'name'])).toContain('canaries.');
    if (!existsSync(examplesDir)) return;
    // The examples live in namespace "test"; the Gateway API ones hold a Gateway, whose CRD a cluster with Gateway API has.
    await kubectl(['apply', '-f', '-'], { input: manifest({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } }) });
    await kubectl(['apply', '--server-side', '-f', join(REPO, 'third_party/gateway-api/v1.6.1')]);
    await kubectl(['apply', '-f', examplesDir]);
    await kubectl(['apply', '--server-side', '--force-conflicts', '-f', examplesDir]);
    expect(await kubectl(['get', 'canaries', '-A'])).toMatch(/^NAMESPACE\s+NAME\s/m);
  });

  it('installs the upstream Gateway API CRDs server-side and refuses an HTTPRoute that breaks one of their CEL rules', async () => {
    // Gateway API's docs install server-side: client-side apply's last-applied annotation would be too big.
    await kubectl(['apply', '--server-side', '-f', join(REPO, 'third_party/gateway-api/v1.6.1')]);
    const route = (filters: object[]) => manifest({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'podinfo', namespace: NS },
      spec: { parentRefs: [{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }], rules: [{ filters, backendRefs: [{ name: 'podinfo-primary', port: 9898, weight: 100 }] }] },
    });
    const mirror = (extra: object) => ({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'podinfo-canary', port: 9898 }, percent: 10, ...extra } });
    const refused = await run(['apply', '-f', '-'], { input: route([mirror({ fraction: { numerator: 1, denominator: 10 } })]) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('The HTTPRoute "podinfo" is invalid: spec.rules[0].filters[0].requestMirror: Invalid value: "object": Only one of percent or fraction may be specified in HTTPRequestMirrorFilter');
    expect(await kubectl(['apply', '-f', '-'], { input: route([mirror({})]) })).toContain('httproute.gateway.networking.k8s.io/podinfo created');
  });
});
