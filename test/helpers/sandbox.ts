import { readFileSync } from 'node:fs';
import { ApiextensionsV1Api, CoreV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startApiServer, type ApiServerOptions, type SandboxApiServer } from '../../src/sandbox/apiserver/index.ts';

/** A started sandbox API server plus the conveniences most tests need. */
export interface Sandbox {
  server: SandboxApiServer;
  kubeConfig: KubeConfig;
  /** Creates CRDs from YAML files (paths) or objects and waits until each is Established. */
  installCrds(...sources: (string | V1CustomResourceDefinition)[]): Promise<void>;
  createNamespace(name: string): Promise<void>;
  stop(): Promise<void>;
}

function crdsFrom(source: string | V1CustomResourceDefinition): V1CustomResourceDefinition[] {
  if (typeof source !== 'string') return [source];
  return parseAllDocuments(readFileSync(source, 'utf8'))
    .map((d) => d.toJS() as V1CustomResourceDefinition | null)
    .filter((d): d is V1CustomResourceDefinition => d?.kind === 'CustomResourceDefinition');
}

/** Starts a sandbox API server (HTTP unless asked otherwise: faster, and TLS has its own test). */
export async function startSandbox(opts: ApiServerOptions & { namespaces?: string[] } = {}): Promise<Sandbox> {
  const server = await startApiServer({ https: false, ...opts });
  const kubeConfig = server.kubeConfig;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const ext = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const sandbox: Sandbox = {
    server,
    kubeConfig,
    async installCrds(...sources) {
      for (const crd of sources.flatMap(crdsFrom)) {
        await ext.createCustomResourceDefinition({ body: crd });
        const name = crd.metadata?.name as string;
        for (let i = 0; i < 100; i++) {
          const got = await ext.readCustomResourceDefinition({ name });
          if (got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    },
    async createNamespace(name) {
      await core.createNamespace({ body: { metadata: { name } } });
    },
    stop: () => server.stop(),
  };
  for (const ns of opts.namespaces ?? []) await sandbox.createNamespace(ns);
  return sandbox;
}
