import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';

describe('users and the access log', () => {
  let server: SandboxApiServer;

  beforeAll(async () => {
    server = await startApiServer({ https: false });
  });
  afterAll(() => server.stop());

  test('an added user authenticates with its own token and its accesses are logged in RBAC terms', async () => {
    const controller = server.addUser('controller');
    const apps = controller.kubeConfig.makeApiClient(AppsV1Api);
    const core = controller.kubeConfig.makeApiClient(CoreV1Api);
    await core.listNamespacedConfigMap({ namespace: 'default' });
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
      },
    });
    await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' });
    // The admin's own requests are not the controller's.
    await server.kubeConfig.makeApiClient(CoreV1Api).listNamespace();

    expect(server.accessLog('controller').map((a) => `${a.group}|${a.resource}|${a.verb}`)).toEqual([
      '|configmaps|list',
      'apps|deployments|create',
      'apps|deployments/scale|get',
    ]);
    expect(server.accessLog('admin').map((a) => `${a.group}|${a.resource}|${a.verb}`)).toEqual(['|namespaces|list']);
  });

  test('a token nobody was given is 401', async () => {
    const response = await fetch(`${server.url}/api/v1/namespaces`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });
});
