import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiException, ApiextensionsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startApiServer, type ApiServerOptions, type SandboxApiServer } from '../../src/sandbox/apiserver/index.ts';
import { eventually } from './eventually.ts';

/** A started sandbox API server plus the conveniences most tests need. */
export interface Sandbox {
  server: SandboxApiServer;
  kubeConfig: KubeConfig;
  /** Creates CRDs from YAML files (paths) or plain objects and waits until each is Established. */
  installCrds(...sources: (string | CrdDocument)[]): Promise<void>;
  /** Sends one raw JSON request (no client-side model mapping) and returns status and parsed body. */
  rawRequest(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: unknown }>;
  createNamespace(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** A CRD as plain JSON: YAML keys such as `x-kubernetes-preserve-unknown-fields`, `enum`, `default`. */
export type CrdDocument = { metadata: { name: string } } & Record<string, unknown>;

function crdsFrom(source: string | CrdDocument): CrdDocument[] {
  if (typeof source !== 'string') return [source];
  return parseAllDocuments(readFileSync(source, 'utf8'))
    .map((d) => d.toJS() as CrdDocument | null)
    .filter((d): d is CrdDocument => d?.kind === 'CustomResourceDefinition');
}

/** Starts a sandbox API server (HTTP unless asked otherwise: faster, and TLS has its own test). */
export async function startSandbox(opts: ApiServerOptions & { namespaces?: string[] } = {}): Promise<Sandbox> {
  const server = await startApiServer({ https: false, ...opts });
  const kubeConfig = server.kubeConfig;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const caData = kubeConfig.getCurrentCluster()?.caData;
  // client-node's typed models rename schema keywords (enum -> _enum) and drop unknown ones, so CRDs go
  // to the server as raw JSON, the way kubectl sends them.
  const rawRequest: Sandbox['rawRequest'] = (method, path, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const url = new URL(path, server.url);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, {
        method,
        headers: { authorization: `Bearer ${server.token}`, 'content-type': contentType, accept: 'application/json' },
        ca: caData ? Buffer.from(caData, 'base64') : undefined,
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
    });
  const ext = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const sandbox: Sandbox = {
    server,
    kubeConfig,
    rawRequest,
    async installCrds(...sources) {
      for (const crd of sources.flatMap(crdsFrom)) {
        const created = await rawRequest('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
        if (created.status !== 201) throw new Error(`creating CRD ${crd.metadata.name}: ${JSON.stringify(created.body)}`);
        const name = crd.metadata.name;
        await eventually(`CRD ${name} to be Established`, async () => {
          const got = await ext.readCustomResourceDefinition({ name });
          return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
        }, { everyMs: 20 });
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

/** The metav1.Status body an API server answered for a call that must fail. */
export interface FailureStatus {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { reason: string; field: string; message: string }[] };
}

/** Awaits a client-node call that must fail and returns the Status body the server sent. */
export async function apiFailure(call: Promise<unknown>): Promise<FailureStatus> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) return JSON.parse(err.body as string) as FailureStatus;
    throw err;
  }
  throw new Error('expected the call to fail');
}
