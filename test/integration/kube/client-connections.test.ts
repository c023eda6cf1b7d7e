import { CoreV1Api } from '@kubernetes/client-node';
import { createKubeClients } from '../../../src/kube/client.ts';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';

describe('API clients share connections', () => {
  let server: SandboxApiServer;

  beforeAll(async () => {
    server = await startApiServer(); // HTTPS with a CA: the case where client-node builds a dispatcher per request
  });
  afterAll(() => server.stop());

  test('thirty sequential requests through Kanari\'s clients use one keep-alive connection, not thirty', async () => {
    const clients = createKubeClients({ kind: 'given', kubeConfig: server.kubeConfig });
    const before = server.openConnections();
    for (let i = 0; i < 30; i++) await clients.core.listNamespace();
    // Another client made from the same KubeConfig (as the metrics reader and leader election do) shares them too.
    for (let i = 0; i < 10; i++) await clients.kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
    expect(server.openConnections() - before).toBeLessThanOrEqual(2);
  });
});
