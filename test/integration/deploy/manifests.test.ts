import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startSandbox, type CrdDocument, type Sandbox } from '../../helpers/sandbox.ts';
import { gatewayApiCrds } from '../../../src/sandbox/gateway-api-crds.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { createValidator, isKanariDocument } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';
import { renderChart, renderContext } from './chart-render.ts';
import { CHART_DIR, DEPLOY_DIR, DEPLOY_RELEASE, GRAFANA_DASHBOARD_JSON, GRAFANA_DASHBOARD_TEMPLATE, REPO, expectedDeployFiles, grafanaDashboardTemplate } from './deploy-manifests.ts';

type Manifest = KubernetesObject & Record<string, unknown>;

function yamlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

/** Parses every document of a YAML text; throws with the file name on the first syntax error. */
function documentsOf(text: string, label: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${label}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}
const manifestsIn = (file: string) => documentsOf(readFileSync(file, 'utf8'), relative(REPO, file));
const isKustomization = (file: string) => file.endsWith('kustomization.yaml');

const CRD_FILES = yamlFilesUnder(join(REPO, 'crds'));
const CHART_CRD_FILES = yamlFilesUnder(join(CHART_DIR, 'crds'));
const DEPLOY_FILES = yamlFilesUnder(DEPLOY_DIR);
const EXAMPLE_FILES = yamlFilesUnder(join(REPO, 'examples'));

// Kinds a real cluster serves but the sandbox API server does not, and the GitOps tools' kinds: these are
// checked for shape here, and the rest of each file goes to the API server.
const NOT_SERVED_BY_SANDBOX = new Set([
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
  'policy/v1/PodDisruptionBudget', 'monitoring.coreos.com/v1/ServiceMonitor',
  'kustomize.toolkit.fluxcd.io/v1/Kustomization', 'source.toolkit.fluxcd.io/v1/GitRepository',
  'argoproj.io/v1alpha1/Application',
]);
const kindKey = (m: Manifest) => `${m.apiVersion}/${m.kind}`;

describe('YAML shipped in crds/, charts/, deploy/ and examples/', () => {
  const validator = createValidator();

  test.each([...CRD_FILES, ...CHART_CRD_FILES, ...DEPLOY_FILES, ...EXAMPLE_FILES].map((f) => relative(REPO, f)))('%s parses, every document a Kubernetes object', (file) => {
    const docs = manifestsIn(join(REPO, file));
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(typeof doc.apiVersion).toBe('string');
      expect(typeof doc.kind).toBe('string');
      if (!isKustomization(file)) expect(doc.metadata?.name).toEqual(expect.any(String));
    }
  });

  test.each(EXAMPLE_FILES.map((f) => relative(REPO, f)))('%s: every Kanari object validates', (file) => {
    const problems = manifestsIn(join(REPO, file))
      .filter(isKanariDocument)
      .flatMap((doc) => validator.validate(doc).errors.map((e) => `${doc.kind}/${doc.metadata?.name}: ${formatValidationError(e)}`));
    expect(problems).toEqual([]);
  });

  test('the chart ships exactly the CRDs of crds/, byte for byte', () => {
    const names = (files: string[]) => files.map((f) => f.split('/').pop());
    expect(CRD_FILES.length).toBeGreaterThan(0);
    expect(names(CHART_CRD_FILES)).toEqual(names(CRD_FILES));
    for (const file of CRD_FILES) {
      const copy = join(CHART_DIR, 'crds', file.split('/').pop()!);
      expect({ file: copy, text: readFileSync(copy, 'utf8') }).toEqual({ file: copy, text: readFileSync(file, 'utf8') });
    }
  });

  test('deploy/ is the chart rendered with its default values (regenerate with write-deploy-manifests.ts)', () => {
    for (const [file, text] of expectedDeployFiles()) {
      const path = join(DEPLOY_DIR, file);
      expect({ file, text: existsSync(path) ? readFileSync(path, 'utf8') : '(missing)' }).toEqual({ file, text });
    }
  });

  test('deploy/kustomization.yaml lists every file of deploy/ except the separate metrics-server and dashboard, which list theirs', () => {
    const listed = (manifestsIn(join(DEPLOY_DIR, 'kustomization.yaml'))[0] as unknown as { resources: string[] }).resources;
    const separate = ['metrics-server/', 'dashboard/'];
    const present = DEPLOY_FILES.map((f) => relative(DEPLOY_DIR, f)).filter((f) => !isKustomization(f) && !separate.some((dir) => f.startsWith(dir)));
    expect([...listed].sort()).toEqual(present.sort());
    for (const dir of separate) {
      const partListed = (manifestsIn(join(DEPLOY_DIR, dir, 'kustomization.yaml'))[0] as unknown as { resources: string[] }).resources;
      expect([...partListed].sort()).toEqual(DEPLOY_FILES.map((f) => relative(join(DEPLOY_DIR, dir), f)).filter((f) => !f.startsWith('..') && !isKustomization(f)).sort());
    }
  });

  test('the chart\'s Grafana ConfigMap embeds dashboards/kanari.json (regenerate with write-deploy-manifests.ts)', () => {
    expect(readFileSync(GRAFANA_DASHBOARD_TEMPLATE, 'utf8')).toBe(grafanaDashboardTemplate());
    const rendered = renderChart(CHART_DIR, renderContext(CHART_DIR, DEPLOY_RELEASE, { grafanaDashboard: { enabled: true } })).find((t) => t.file === 'grafana-dashboard.yaml')!;
    const configMap = documentsOf(rendered.text, 'grafana-dashboard.yaml')[0] as unknown as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(configMap.data['kanari.json'])).toEqual(JSON.parse(readFileSync(GRAFANA_DASHBOARD_JSON, 'utf8')));
  });

  test('examples/flagger/podinfo-kanari.yaml is what kanari convert makes of podinfo-flagger.yaml', async () => {
    const converted = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(REPO, 'bin/kanari.js'), 'convert', join(REPO, 'examples/flagger/podinfo-flagger.yaml')], (err, stdout) => (err ? reject(err) : resolve(stdout))));
    expect(documentsOf(converted, 'kanari convert')).toEqual(manifestsIn(join(REPO, 'examples/flagger/podinfo-kanari.yaml')));
  });

  test('every value in values.yaml has a comment saying what it does', () => {
    const lines = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8').split('\n');
    const undocumented = lines.flatMap((line, i) => {
      // A leaf is `key: value`; a parent (`key:` alone) is documented by its children.
      if (!/^\s*[A-Za-z]\w*: \S/.test(line)) return [];
      return /^\s*#/.test(lines[i - 1] ?? '') ? [] : [line.trim()];
    });
    expect(undocumented).toEqual([]);
  });
});

describe('the chart', () => {
  const release = { name: 'kanari', namespace: 'kanari-system' };
  const render = (overrides: Record<string, unknown> = {}) =>
    renderChart(CHART_DIR, renderContext(CHART_DIR, release, overrides)).flatMap(({ file, text }) => documentsOf(text, file));

  test('renders the controller with leader election, probes and a locked-down container by default', () => {
    const docs = render();
    const kinds = docs.map((d) => d.kind).sort();
    expect(kinds).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    const deployment = docs.find((d) => d.kind === 'Deployment') as unknown as { spec: { replicas: number; template: { spec: Record<string, any> } } }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.args).toEqual(expect.arrayContaining(['controller', '--leader-elect', '--metrics-addr=:8080', '--log-level=info']));
    for (const flag of ['--namespace=', '--selector=', '--cluster-name=', '--event-webhook=']) expect(container.args.some((a: string) => a.startsWith(flag))).toBe(true);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http-metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http-metrics' });
    expect(container.ports[0]).toMatchObject({ name: 'http-metrics', containerPort: 8080 });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(docs.find((d) => d.kind === 'PodDisruptionBudget')?.spec).toMatchObject({ minAvailable: 1 });
  });

  test('the lease is a namespaced Role and both roles are bound to the service account', () => {
    // Which verbs the roles grant is proven against the controller's real calls in rbac-proven.test.ts.
    const docs = render();
    const role = docs.find((d) => d.kind === 'Role')!;
    expect(role.metadata?.namespace).toBe(release.namespace);
    for (const binding of docs.filter((d) => String(d.kind).endsWith('Binding'))) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kanari', namespace: release.namespace }]);
    }
  });

  test('serviceMonitor.enabled and metricsServer.enabled add their objects', () => {
    const docs = render({ serviceMonitor: { enabled: true }, metricsServer: { enabled: true, mesh: 'istio' } });
    // ServiceMonitor; the metrics-server's ServiceAccount, Deployment, Service, APIService and its two auth bindings.
    expect(docs.length - render().length).toBe(7);
    expect(docs.map(kindKey)).toEqual(
      expect.arrayContaining(['monitoring.coreos.com/v1/ServiceMonitor', 'apiregistration.k8s.io/v1/APIService', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'rbac.authorization.k8s.io/v1/RoleBinding']),
    );
    const delegation = docs.filter((d) => d.metadata?.name?.startsWith('kanari-metrics-server')).map((d) => (d as unknown as { roleRef?: { name: string } }).roleRef?.name);
    expect(delegation).toEqual(expect.arrayContaining(['system:auth-delegator', 'extension-apiserver-authentication-reader']));
    const apiService = docs.find((d) => d.kind === 'APIService') as unknown as { metadata: { name: string }; spec: Record<string, unknown> };
    expect(apiService.metadata.name).toBe('v1alpha1.metrics.smi-spec.io');
    expect(apiService.spec).toMatchObject({ group: 'metrics.smi-spec.io', version: 'v1alpha1', service: { name: 'kanari-metrics-server', namespace: release.namespace, port: 443 } });
    const metricsServer = docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === 'kanari-metrics-server') as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    expect(metricsServer.spec.template.spec.containers[0]!.args).toEqual(expect.arrayContaining(['metrics-server', '--mesh=istio']));
  });

  test('refuses a template that needs more than plain substitution', () => {
    const context = renderContext(CHART_DIR, release);
    expect(() => renderChart(CHART_DIR, { ...context, values: { ...context.values, image: {} } })).toThrow(/image\.repository is not in values\.yaml/);
  });
});

describe('manifests applied to the sandbox API server', () => {
  let sandbox: Sandbox;
  let objects: KubernetesObjectApi;

  beforeAll(async () => {
    // HTTPS: on the sandbox's plain-HTTP mode kubectl's openapi download comes back 401, so validation fails.
    sandbox = await startSandbox({ https: true, namespaces: [DEPLOY_RELEASE.namespace] });
    await sandbox.installCrds(...CRD_FILES, ...(smiCrds() as CrdDocument[]), ...(gatewayApiCrds('v1.6.1') as CrdDocument[]));
    objects = KubernetesObjectApi.makeApiClient(sandbox.kubeConfig);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  /** Creates every object the sandbox serves; returns the kinds it left to the shape checks. */
  async function apply(docs: Manifest[]): Promise<string[]> {
    const skipped: string[] = [];
    for (const doc of docs) {
      if (NOT_SERVED_BY_SANDBOX.has(kindKey(doc))) {
        skipped.push(kindKey(doc));
        continue;
      }
      if (doc.kind === 'Namespace' || doc.kind === 'CustomResourceDefinition') continue;
      try {
        await objects.create(doc);
      } catch (err) {
        throw new Error(`${kindKey(doc)} ${doc.metadata?.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    return skipped;
  }

  test('every object of deploy/ (and deploy/metrics-server/) is accepted', async () => {
    const docs = DEPLOY_FILES.filter((f) => !isKustomization(f) && !f.includes('/crds/')).flatMap(manifestsIn);
    const skipped = await apply(docs);
    expect(new Set(skipped)).toEqual(new Set(['rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding', 'policy/v1/PodDisruptionBudget']));
    const deployment = await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'kanari', namespace: 'kanari-system' } });
    expect((deployment as unknown as { spec: { replicas: number } }).spec.replicas).toBe(2);
  });

  test('the chart with every option on is accepted in another release namespace', async () => {
    await sandbox.createNamespace('kanari-chart');
    const context = renderContext(CHART_DIR, { name: 'kanari-two', namespace: 'kanari-chart' }, { serviceMonitor: { enabled: true }, metricsServer: { enabled: true } });
    const docs = renderChart(CHART_DIR, context).flatMap(({ file, text }) => documentsOf(text, file));
    // One cluster holds one v1alpha1.metrics.smi-spec.io; deploy/ already registered it.
    const skipped = await apply(docs.filter((d) => d.kind !== 'APIService'));
    expect(skipped).toContain('monitoring.coreos.com/v1/ServiceMonitor');
  });

  test('every example is accepted, Kanari objects by the CRD schemas', async () => {
    const skipped: string[] = [];
    for (const [index, file] of EXAMPLE_FILES.entries()) {
      // Each file is a stand-alone example (two may both define test/podinfo): each gets its own namespace.
      const namespace = `example-${index}`;
      await sandbox.createNamespace(namespace);
      const docs = manifestsIn(file)
        // examples/flagger/ also holds Flagger's own API, which is converted, never applied.
        .filter((d) => !String(d.apiVersion).startsWith('flagger.app/'))
        .map((d) => (d.metadata?.namespace ? { ...d, metadata: { ...d.metadata, namespace } } : d));
      skipped.push(...(await apply(docs)));
    }
    expect(skipped.filter((k) => !NOT_SERVED_BY_SANDBOX.has(k))).toEqual([]);
  });

  (onPath('kubectl') ? test : test.skip)('kubectl renders deploy/ with kustomize and applies deploy/metrics-server/ client- and server-side dry runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanari-deploy-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, sandbox.server.kubeconfigYaml());
      const kubectl = (args: string[]) => new Promise<string>((resolve, reject) =>
        execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '--request-timeout=10s', ...args], (err, stdout, stderr) =>
          err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
      const rendered = documentsOf(await kubectl(['kustomize', DEPLOY_DIR]), 'kubectl kustomize deploy/');
      const expectedCount = DEPLOY_FILES.filter((f) => !isKustomization(f) && !/^(metrics-server|dashboard)\//.test(relative(DEPLOY_DIR, f))).flatMap(manifestsIn).length;
      expect(rendered).toHaveLength(expectedCount);
      // Namespace, CRDs, ServiceAccount, Deployment and Service are served by the sandbox; RBAC and the PDB
      // are not, so the whole of deploy/ is dry-run only where the kinds exist.
      const metricsServer = join(DEPLOY_DIR, 'metrics-server');
      expect(await kubectl(['apply', '-k', metricsServer, '--dry-run=client'])).toMatch(/apiservice.apiregistration.k8s.io\/v1alpha1.metrics.smi-spec.io (created|configured|unchanged) \(dry run\)/);
      expect(await kubectl(['apply', '-k', metricsServer, '--dry-run=server'])).toMatch(/\(server dry run\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, binary)));
}
