import { join } from 'node:path';
import { AppsV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { InformerCanarySource } from '../../../src/dashboard/canary-source.ts';
import { startDashboard, type DashboardServer } from '../../../src/dashboard/dashboard-server.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { startSandbox, type CrdDocument, type Sandbox } from '../../helpers/sandbox.ts';
import { renderChart, renderContext } from './chart-render.ts';
import { CHART_DIR, DEPLOY_RELEASE, REPO } from './deploy-manifests.ts';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

/** What the chart's dashboard ClusterRole grants, as `group/resource:verb`. */
function grantedToDashboard(): Set<string> {
  const rendered = renderChart(CHART_DIR, renderContext(CHART_DIR, DEPLOY_RELEASE, { dashboard: { enabled: true } })).find((t) => t.file === 'dashboard-clusterrole.yaml')!;
  const role = parseAllDocuments(rendered.text).map((d) => d.toJS() as KubernetesObject & { rules: Rule[] })[0];
  return new Set(role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res}:${v}`)))));
}

/**
 * The dashboard's RBAC proven the way the controller's is: it runs under its own user through every
 * page (the list, a Canary, the mesh, a manual action), the sandbox logs each (group, resource, verb) it
 * used, and the chart's dashboard ClusterRole must grant exactly those. The action itself is written with
 * the person's token and so needs no grant.
 */
describe("the chart's dashboard ClusterRole grants exactly what the dashboard uses", () => {
  let sandbox: Sandbox;
  let dashboard: DashboardServer;
  let source: InformerCanarySource;

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['shop'] });
    await sandbox.installCrds(
      ...['canaries', 'metrictemplates', 'alertproviders'].map((plural) => join(REPO, `crds/kanari.dev_${plural}.yaml`)),
      ...(smiCrds() as CrdDocument[]),
      join(REPO, 'test/fixtures/gateway-api/v1.6.1/gateway.networking.k8s.io_gatewayclasses.yaml'),
    );
    const custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
    await sandbox.kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'shop',
      body: { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } } },
    });
    await custom.createNamespacedCustomObject({
      group: 'kanari.dev', version: 'v1alpha1', namespace: 'shop', plural: 'canaries',
      body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'Canary', metadata: { name: 'web' }, spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, service: { port: 80 }, analysis: { interval: '1m' } } },
    });
    await custom.createNamespacedCustomObject({
      group: 'kanari.dev', version: 'v1alpha1', namespace: 'shop', plural: 'metrictemplates',
      body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'MetricTemplate', metadata: { name: 'errors' }, spec: { provider: { type: 'prometheus', address: 'http://127.0.0.1:1' }, query: 'vector(1)' } },
    });
    const identity = sandbox.server.addUser('kanari-dashboard');
    source = new InformerCanarySource({ kubeConfig: identity.kubeConfig });
    await source.start();
    dashboard = await startDashboard({ kubeConfig: identity.kubeConfig, source, actions: true });
  });
  afterAll(async () => {
    await dashboard?.close();
    await source?.stop();
    await sandbox?.stop();
  });

  test('every access is granted and every grant is used', async () => {
    const get = async (path: string) => {
      const response = await fetch(new URL(path, dashboard.url));
      expect([path, response.status]).toEqual([path, 200]);
    };
    await get('api/canaries');
    await get('api/canaries/shop/web');
    await get('api/mesh');
    // A person who may patch asks for an action; the Canary is new, so it is refused after both reviews.
    const alice = sandbox.server.addUser('alice');
    const rbac = sandbox.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({ body: { metadata: { name: 'operator' }, rules: [{ apiGroups: ['kanari.dev'], resources: ['canaries'], verbs: ['get', 'patch'] }] } });
    await rbac.createClusterRoleBinding({ body: { metadata: { name: 'alice' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'operator' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] } });
    const action = await fetch(new URL('api/canaries/shop/web/actions/abort', dashboard.url), { method: 'POST', headers: { authorization: `Bearer ${alice.token}` } });
    expect(((await action.json()) as { message: string }).message).toContain('nothing to abort in phase new');
    expect(action.status).toBe(409);

    const used = new Set(sandbox.server.accessLog('kanari-dashboard').map((a) => `${a.group || 'core'}/${a.resource}:${a.verb}`));
    const granted = grantedToDashboard();
    expect([...used].filter((access) => !granted.has(access)).sort()).toEqual([]);
    expect([...granted].filter((grant) => !used.has(grant)).sort()).toEqual([]);
    // The person's own token read and would have written the Canary: the dashboard never did.
    expect(sandbox.server.accessLog('alice')).toEqual([{ user: 'alice', group: 'kanari.dev', resource: 'canaries', verb: 'get' }]);
  });
});
