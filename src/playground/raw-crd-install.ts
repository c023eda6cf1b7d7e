/**
 * Installs CustomResourceDefinitions into the sandbox API server as raw JSON, the way kubectl sends
 * them: client-node's typed CRD model renames schema keywords (enum → _enum) and drops the ones it does
 * not know (x-kubernetes-*), which would leave the Canary schema without its defaults and checks.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseAllDocuments } from 'yaml';

/** Where and how to reach the API server. */
export interface RawApiTarget {
  url: string;
  token: string;
  /** Base64 PEM of the serving CA, when the server speaks HTTPS. */
  caData?: string;
}

/** A CRD as plain JSON. */
export type CrdDocument = { metadata: { name: string } } & Record<string, unknown>;

/** The CRDs in a YAML file (other kinds in the file are skipped). */
export function crdsFromYaml(path: string): CrdDocument[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as CrdDocument | null)
    .filter((d): d is CrdDocument => d?.kind === 'CustomResourceDefinition');
}

/** Sends one JSON request with the bearer token and returns the status and parsed body. */
export function rawJsonRequest(target: RawApiTarget, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, target.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method,
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json', accept: 'application/json' },
      ca: target.caData ? Buffer.from(target.caData, 'base64') : undefined,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Creates each CRD and waits until the server reports it Established. */
export async function installCrds(target: RawApiTarget, crds: readonly CrdDocument[]): Promise<void> {
  for (const crd of crds) {
    const created = await rawJsonRequest(target, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    if (created.status !== 201) throw new Error(`creating CRD ${crd.metadata.name}: HTTP ${created.status} ${JSON.stringify(created.body)}`);
    for (let attempt = 0; ; attempt++) {
      const got = await rawJsonRequest(target, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      const conditions = (got.body as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (attempt >= 100) throw new Error(`CRD ${crd.metadata.name} never became Established`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
