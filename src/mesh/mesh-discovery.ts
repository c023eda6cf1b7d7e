import {
  ApiextensionsV1Api,
  ApisApi,
  AppsV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1Deployment,
} from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import { primaryName } from '../api/names.ts';
import { bodyOf, isNotFound, statusCodeOf } from '../kube/api-errors.ts';
import { GATEWAY_API_GROUP, KNOWN_MESHES, SMI_APIS } from './known-meshes.ts';
import { accessPreflight, trafficTargetView, type AccessPreflight, type TrafficTargetView } from './traffic-access.ts';

/**
 * What a cluster offers a progressive-delivery controller, as Service Mesh Hub showed it: which SMI
 * APIs and versions are served, which Gateway API version and GatewayClasses, which meshes are installed
 * (by their CRDs and control-plane Deployments), whether each Prometheus answers, and per Canary the
 * TrafficAccess preflight. Every part is read on demand; a part that cannot be read says why instead of
 * failing the whole report.
 */

export interface ServedApi {
  api: string;
  group: string;
  use: string;
  /** Served versions, preferred first; empty when the group is not served. */
  versions: string[];
}

export interface GatewayApiReport {
  versions: string[];
  /** The `gateway.networking.k8s.io/bundle-version` and channel of the installed CRDs. */
  bundleVersion?: string;
  channel?: string;
  gatewayClasses: { name: string; controller: string; accepted: string }[];
}

export interface ControlPlaneWorkload {
  namespace: string;
  name: string;
  ready: number;
  desired: number;
  image?: string;
}

export interface InstalledMesh {
  name: string;
  crds: string[];
  controlPlane: ControlPlaneWorkload[];
  smi: string;
}

export interface PrometheusCheck {
  url: string;
  /** Where Kanari would use it: a flag, or MetricTemplates by name. */
  usedBy: string;
  answers: boolean;
  detail: string;
}

export interface CanaryAccessReport {
  namespace: string;
  name: string;
  preflight: AccessPreflight;
}

export interface MeshReport {
  smi: ServedApi[];
  gatewayApi?: GatewayApiReport;
  meshes: InstalledMesh[];
  prometheus: PrometheusCheck[];
  canaries: CanaryAccessReport[];
  /** Parts that could not be read, in a sentence each (missing rights, API errors). */
  problems: string[];
}

export interface MeshDiscoveryOptions {
  kubeConfig: KubeConfig;
  /** Prometheus addresses Kanari is configured with (e.g. `--metrics-server`), besides the MetricTemplates'. */
  prometheus?: { url: string; usedBy: string }[];
  /** Namespaces whose Canaries get the preflight; empty or absent: all. */
  namespaces?: string[];
  /** How long a Prometheus may take to answer. */
  prometheusTimeoutMs?: number;
}

/** Discovers everything the mesh page and `kanari mesh` show. */
export async function discoverMesh(options: MeshDiscoveryOptions): Promise<MeshReport> {
  const problems: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      problems.push(`cannot ${what}: ${describe(err)}`);
      return fallback;
    }
  };
  const kc = options.kubeConfig;
  const served = await attempt('read API discovery (/apis)', () => servedGroups(kc), new Map<string, string[]>());
  const crds = await attempt('list CustomResourceDefinitions', async () => (await kc.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition()).items, []);
  const smi = SMI_APIS.map(({ api, group, use }) => ({ api, group, use, versions: served.get(group) ?? [] }));
  const gatewayVersions = served.get(GATEWAY_API_GROUP) ?? [];
  const gatewayApi = gatewayVersions.length === 0 ? undefined : await attempt('list GatewayClasses', () => gatewayReport(kc, gatewayVersions, crds), { versions: gatewayVersions, gatewayClasses: [] });
  const meshes = await attempt('look for mesh control planes', () => installedMeshes(kc, crds), []);
  const templates = await attempt('list MetricTemplates', () => prometheusTemplates(kc, options.namespaces ?? []), []);
  const prometheus = await checkPrometheus([...(options.prometheus ?? []), ...templates], options.prometheusTimeoutMs ?? 3000);
  const canaries = await attempt('check TrafficAccess for Canaries', () => canaryAccess(kc, options.namespaces ?? [], served.get('access.smi-spec.io') ?? []), []);
  return { smi, gatewayApi, meshes, prometheus, canaries, problems };
}

/** The preflight of one Canary (for its dashboard page): three reads. */
export async function canaryAccessPreflight(kubeConfig: KubeConfig, canary: Canary): Promise<AccessPreflight | { result: 'unknown'; message: string }> {
  try {
    const accessVersions = await servedGroups(kubeConfig).then((served) => served.get('access.smi-spec.io') ?? []);
    if (accessVersions.length === 0) return { result: 'unknown', message: 'the TrafficTarget API (access.smi-spec.io) is not served' };
    const namespace = canary.metadata.namespace ?? 'default';
    const targets = await trafficTargets(kubeConfig, accessVersions[0], namespace);
    return await preflightOf(kubeConfig, canary, targets);
  } catch (err) {
    return { result: 'unknown', message: `cannot check: ${describe(err)}` };
  }
}

async function servedGroups(kc: KubeConfig): Promise<Map<string, string[]>> {
  const list = await kc.makeApiClient(ApisApi).getAPIVersions();
  const served = new Map<string, string[]>();
  for (const group of list.groups ?? []) {
    const preferred = group.preferredVersion?.version;
    const versions = (group.versions ?? []).map((v) => v.version);
    served.set(group.name, preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions);
  }
  return served;
}

async function gatewayReport(kc: KubeConfig, versions: string[], crds: { metadata?: { name?: string; annotations?: Record<string, string> } }[]): Promise<GatewayApiReport> {
  const annotations = crds.find((crd) => crd.metadata?.name === `gatewayclasses.${GATEWAY_API_GROUP}`)?.metadata?.annotations ?? {};
  const list = (await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({ group: GATEWAY_API_GROUP, version: versions[0], plural: 'gatewayclasses' })) as {
    items?: { metadata?: { name?: string }; spec?: { controllerName?: string }; status?: { conditions?: { type?: string; status?: string; reason?: string }[] } }[];
  };
  return {
    versions,
    bundleVersion: annotations[`${GATEWAY_API_GROUP}/bundle-version`],
    channel: annotations[`${GATEWAY_API_GROUP}/channel`],
    gatewayClasses: (list.items ?? []).map((item) => {
      const accepted = item.status?.conditions?.find((c) => c.type === 'Accepted');
      return { name: item.metadata?.name ?? '', controller: item.spec?.controllerName ?? '', accepted: accepted ? `${accepted.status}${accepted.reason ? ` (${accepted.reason})` : ''}` : 'Unknown' };
    }),
  };
}

async function installedMeshes(kc: KubeConfig, crds: { metadata?: { name?: string }; spec?: { group?: string } }[]): Promise<InstalledMesh[]> {
  const apps = kc.makeApiClient(AppsV1Api);
  const found: InstalledMesh[] = [];
  for (const mesh of KNOWN_MESHES) {
    const ownCrds = crds
      .filter((crd) => mesh.crdGroups.some((group) => crd.spec?.group === group || crd.spec?.group?.endsWith(`.${group}`)))
      .map((crd) => crd.metadata?.name ?? '')
      .sort();
    const workloads: V1Deployment[] = [];
    for (const labelSelector of mesh.controlPlaneSelectors) workloads.push(...(await apps.listDeploymentForAllNamespaces({ labelSelector })).items);
    if (ownCrds.length === 0 && workloads.length === 0) continue;
    found.push({
      name: mesh.name,
      crds: ownCrds,
      smi: mesh.smi,
      controlPlane: workloads.map((deployment) => ({
        namespace: deployment.metadata?.namespace ?? '',
        name: deployment.metadata?.name ?? '',
        ready: deployment.status?.readyReplicas ?? 0,
        desired: deployment.spec?.replicas ?? 1,
        image: deployment.spec?.template.spec?.containers[0]?.image,
      })),
    });
  }
  return found;
}

async function prometheusTemplates(kc: KubeConfig, namespaces: string[]): Promise<{ url: string; usedBy: string }[]> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const lists = namespaces.length === 0
    ? [await custom.listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural: 'metrictemplates' })]
    : await Promise.all(namespaces.map((namespace) => custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: 'metrictemplates' })));
  const byUrl = new Map<string, string[]>();
  for (const template of lists.flatMap((list) => (list as { items?: MetricTemplate[] }).items ?? [])) {
    const provider = template.spec.provider;
    if (provider.type !== 'prometheus' || provider.address === undefined) continue;
    byUrl.set(provider.address, [...(byUrl.get(provider.address) ?? []), `${template.metadata?.namespace}/${template.metadata?.name}`]);
  }
  return [...byUrl].map(([url, names]) => ({ url, usedBy: `MetricTemplate ${names.join(', ')}` }));
}

/** Asks each Prometheus for `vector(1)`: an answer with data means it answers PromQL. */
async function checkPrometheus(targets: { url: string; usedBy: string }[], timeoutMs: number): Promise<PrometheusCheck[]> {
  const distinct = targets.filter((target, i) => targets.findIndex((other) => other.url === target.url) === i);
  return Promise.all(
    distinct.map(async ({ url, usedBy }) => {
      try {
        const response = await fetch(new URL('api/v1/query?query=vector(1)', url.endsWith('/') ? url : `${url}/`), { signal: AbortSignal.timeout(timeoutMs) });
        if (response.status === 401 || response.status === 403) return { url, usedBy, answers: true, detail: `answers, but asks for credentials (HTTP ${response.status}); the MetricTemplate's secretRef provides them` };
        const body = (await response.json().catch(() => undefined)) as { status?: string } | undefined;
        if (response.ok && body?.status === 'success') return { url, usedBy, answers: true, detail: 'answers PromQL' };
        return { url, usedBy, answers: false, detail: `HTTP ${response.status} without a PromQL answer` };
      } catch (err) {
        return { url, usedBy, answers: false, detail: `no answer: ${describe(err)}` };
      }
    }),
  );
}

async function canaryAccess(kc: KubeConfig, namespaces: string[], accessVersions: string[]): Promise<CanaryAccessReport[]> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const lists = namespaces.length === 0
    ? [await custom.listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural: 'canaries' }).catch(notServedAsEmpty)]
    : await Promise.all(namespaces.map((namespace) => custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: 'canaries' }).catch(notServedAsEmpty)));
  const canaries = lists.flatMap((list) => (list as { items?: Canary[] }).items ?? []);
  const targetsByNamespace = new Map<string, TrafficTargetView[]>();
  const reports: CanaryAccessReport[] = [];
  for (const canary of canaries) {
    const namespace = canary.metadata.namespace ?? 'default';
    let preflight: AccessPreflight;
    if (accessVersions.length === 0) {
      const account = { namespace, name: '?' };
      preflight = { result: 'no-policy', primaryAccount: account, canaryAccount: account, callers: [], refused: [], message: 'the TrafficTarget API (access.smi-spec.io) is not served: no access control to check' };
    } else {
      if (!targetsByNamespace.has(namespace)) targetsByNamespace.set(namespace, await trafficTargets(kc, accessVersions[0], namespace));
      preflight = await preflightOf(kc, canary, targetsByNamespace.get(namespace)!);
    }
    reports.push({ namespace, name: canary.metadata.name ?? '', preflight });
  }
  return reports.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

async function trafficTargets(kc: KubeConfig, version: string, namespace: string): Promise<TrafficTargetView[]> {
  const list = (await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ group: 'access.smi-spec.io', version, namespace, plural: 'traffictargets' })) as { items?: Record<string, unknown>[] };
  return (list.items ?? []).map((item) => trafficTargetView(item)).filter((view): view is TrafficTargetView => view !== undefined);
}

async function preflightOf(kc: KubeConfig, canary: Canary, targets: TrafficTargetView[]): Promise<AccessPreflight> {
  const apps = kc.makeApiClient(AppsV1Api);
  const namespace = canary.metadata.namespace ?? 'default';
  const read = (name: string) => apps.readNamespacedDeployment({ name, namespace }).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const [target, primary] = await Promise.all([read(canary.spec.targetRef.name), read(primaryName(canary.spec.targetRef.name))]);
  const accountOf = (deployment: V1Deployment | undefined) => ({ namespace, name: deployment?.spec?.template.spec?.serviceAccountName || 'default' });
  // Before the first initialization there is no primary yet: it will run as the target does now.
  return accessPreflight(accountOf(primary ?? target), accountOf(target), targets);
}

function notServedAsEmpty(err: unknown): { items: [] } {
  if (statusCodeOf(err) === 404) return { items: [] };
  throw err;
}

function describe(err: unknown): string {
  const code = statusCodeOf(err);
  const body = bodyOf(err);
  const message = typeof body === 'object' && body !== null ? (body as { message?: string }).message : undefined;
  if (code !== undefined) return `HTTP ${code}${message ? `: ${message}` : ''}`;
  return err instanceof Error ? (err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message) : String(err);
}
