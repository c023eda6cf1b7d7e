import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { reuseConnections } from '../../kube/client.ts';

export interface KubeconfigParams {
  url: string;
  token: string;
  caCert: string | undefined;
  name?: string;
}

/** The kubeconfig document kubectl and client-node read for the sandbox (token auth, CA data for HTTPS). */
export function kubeconfigDocument(p: KubeconfigParams): Record<string, unknown> {
  const name = p.name ?? 'kanari-sandbox';
  const cluster: Record<string, unknown> = { server: p.url };
  if (p.caCert) cluster['certificate-authority-data'] = Buffer.from(p.caCert).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: p.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  };
}

/** The same kubeconfig as YAML. */
export function kubeconfigYaml(p: KubeconfigParams): string {
  return stringify(kubeconfigDocument(p));
}

/** A ready client-node KubeConfig for the sandbox. */
export function kubeConfigFor(p: KubeconfigParams): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(p));
  // Tests, benchmarks and the playground make thousands of requests: share connections as the controller does.
  return reuseConnections(kc);
}
