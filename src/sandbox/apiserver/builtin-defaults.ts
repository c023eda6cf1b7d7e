import { isObject, metadataOf, type JsonObject } from './json.ts';
import type { DefaultingContext } from './resource-type.ts';

function objectAt(parent: JsonObject, key: string): JsonObject {
  if (!isObject(parent[key])) parent[key] = {};
  return parent[key] as JsonObject;
}

function setDefault(obj: JsonObject, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Container defaults clients compare against (kubectl apply, Flagger-style spec hashing). */
function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (!isObject(c)) continue;
      const image = typeof c.image === 'string' ? c.image : '';
      const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
      setDefault(c, 'imagePullPolicy', tag === 'latest' ? 'Always' : 'IfNotPresent');
      setDefault(c, 'terminationMessagePath', '/dev/termination-log');
      setDefault(c, 'terminationMessagePolicy', 'File');
      setDefault(c, 'resources', {});
      if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) setDefault(p, 'protocol', 'TCP');
    }
  }
}

/** Deployment defaults of apps/v1: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600s. */
export function defaultDeployment(obj: JsonObject): void {
  const spec = objectAt(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = objectAt(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = objectAt(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodSpec(objectAt(objectAt(spec, 'template'), 'spec'));
}

/** DaemonSet defaults: a rolling update of one node at a time, and the pod template's. */
export function defaultDaemonSet(obj: JsonObject): void {
  const spec = objectAt(obj, 'spec');
  const strategy = objectAt(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = objectAt(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodSpec(objectAt(objectAt(spec, 'template'), 'spec'));
}

/** ReplicaSet defaults: replicas 1 and the pod template's. */
export function defaultReplicaSet(obj: JsonObject): void {
  const spec = objectAt(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodSpec(objectAt(objectAt(spec, 'template'), 'spec'));
}

/** Pods start Pending; nothing here runs them. */
export function defaultPod(obj: JsonObject): void {
  defaultPodSpec(objectAt(obj, 'spec'));
  const status = objectAt(obj, 'status');
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', 'BestEffort');
}

/** Namespaces are Active with the kubernetes finalizer and the metadata.name label. */
export function defaultNamespace(obj: JsonObject): void {
  const md = metadataOf(obj);
  const labels = objectAt(md, 'labels');
  if (typeof md.name === 'string') labels['kubernetes.io/metadata.name'] = md.name;
  setDefault(objectAt(obj, 'spec'), 'finalizers', ['kubernetes']);
  setDefault(objectAt(obj, 'status'), 'phase', 'Active');
}

/** Services get a ClusterIP, ClusterIP type, TCP ports whose targetPort defaults to the port. */
export function defaultService(obj: JsonObject, ctx: DefaultingContext): void {
  const spec = objectAt(obj, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = ctx.allocateClusterIp();
    setDefault(spec, 'clusterIPs', [spec.clusterIP]);
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isObject(p)) continue;
      setDefault(p, 'protocol', 'TCP');
      setDefault(p, 'targetPort', p.port);
    }
  }
  setDefault(obj, 'status', { loadBalancer: {} });
}

/** Secrets default to Opaque and fold write-only stringData into base64 data, as the server does. */
export function defaultSecret(obj: JsonObject): void {
  setDefault(obj, 'type', 'Opaque');
  if (isObject(obj.stringData)) {
    const data = objectAt(obj, 'data');
    for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
    delete obj.stringData;
  }
}
