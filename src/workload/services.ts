import type { CoreV1Api, V1PodSpec, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Canary } from '../api/canary.ts';
import { createOrPatch, type ApplyOutcome } from '../kube/create-or-patch.ts';
import { controllerReference, withOwner, type OwnerIdentity } from '../kube/owner.ts';
import { mergePatchOptions, stringMapPatch } from '../kube/patch.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, primarySelector } from './managed-labels.ts';
import { servicePortName } from '../api/canary-settings.ts';
import { baselineServiceName, canaryServiceName, primaryServiceName, serviceNameOf } from '../api/names.ts';
import { stableJson } from '../text/stable-json.ts';
import { discoveredPorts } from './port-discovery.ts';

/** The Services of a Canary: apex and primary select the primary pods, canary the target's, baseline (during a run with one) the baseline's. */
export type ServiceRole = 'apex' | 'primary' | 'canary' | 'baseline';

/** The port every generated Service exposes, from `spec.service`. */
export function servicePort(canary: Canary): V1ServicePort {
  const service = canary.spec.service;
  const port: V1ServicePort = {
    name: servicePortName(service),
    port: service.port,
    targetPort: (service.targetPort ?? service.port) as unknown as V1ServicePort['targetPort'],
    protocol: 'TCP',
  };
  if (service.appProtocol) port.appProtocol = service.appProtocol;
  return port;
}

/** Every port of the generated Services: `spec.service`'s, then with portDiscovery the target's other container ports. */
export function servicePorts(canary: Canary, targetPodSpec: V1PodSpec | undefined): V1ServicePort[] {
  const main = servicePort(canary);
  return canary.spec.service.portDiscovery ? [main, ...discoveredPorts(canary.spec.service, main, targetPodSpec)] : [main];
}

/** The Service of one role for a Canary, given the target's selector labels (the baseline's: its own) and pod spec, for portDiscovery. */
export function canaryService(canary: Canary, role: ServiceRole, targetSelector: Record<string, string>, targetPodSpec?: V1PodSpec): V1Service {
  const base = serviceNameOf(canary);
  const names: Record<ServiceRole, string> = { apex: base, primary: primaryServiceName(base), canary: canaryServiceName(base), baseline: baselineServiceName(base) };
  const name = names[role];
  const overrides = role === 'baseline' ? canary.spec.service.canary : canary.spec.service[role];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: canary.metadata.namespace,
      labels: { ...overrides?.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: { ...overrides?.annotations },
      ownerReferences: [controllerReference(canaryOwner(canary))],
    },
    spec: {
      type: 'ClusterIP',
      selector: role === 'canary' || role === 'baseline' ? { ...targetSelector } : primarySelector(targetSelector),
      ports: servicePorts(canary, targetPodSpec),
    },
  };
}

/** The Canary as an owner of generated objects. */
export function canaryOwner(canary: Canary): OwnerIdentity {
  return { apiVersion: canary.apiVersion, kind: canary.kind, metadata: canary.metadata };
}

/**
 * Creates or adopts a Service. Kanari owns its selector and ports; labels and annotations are merged,
 * so what a mesh or a person added stays. An adopted apex Service keeps its type and cluster IP.
 * With `adopt: 'manage'` an existing Service that Kanari did not create gets no owner reference:
 * otherwise deleting the Canary would garbage-collect a Service the person made and routes through.
 */
export async function applyService(
  core: CoreV1Api,
  desired: V1Service,
  owner: OwnerIdentity,
  adopt: 'own' | 'manage' = 'own',
  known?: { current: V1Service | undefined },
): Promise<ApplyOutcome> {
  const name = desired.metadata!.name!;
  const namespace = desired.metadata!.namespace!;
  const { outcome } = await createOrPatch<V1Service>(
    {
      read: () => core.readNamespacedService({ name, namespace }),
      create: (body) => core.createNamespacedService({ namespace, body }),
      patch: (body) => core.patchNamespacedService({ name, namespace, body }, mergePatchOptions()),
    },
    desired,
    (current) => {
      const labels = stringMapPatch(current.metadata?.labels, desired.metadata!.labels!);
      const annotations = stringMapPatch(current.metadata?.annotations, desired.metadata!.annotations!);
      const ownerReferences = adopt === 'own' ? withOwner(current.metadata, owner) : undefined;
      const desiredSelector = desired.spec!.selector!;
      const selectorDiffers = stableJson(current.spec?.selector ?? {}) !== stableJson(desiredSelector);
      const portsDiffer = !samePorts(current.spec?.ports, desired.spec!.ports!);
      if (!labels && !annotations && !ownerReferences && !selectorDiffers && !portsDiffer) return undefined;
      const spec: Record<string, unknown> = {};
      if (selectorDiffers) {
        const selector: Record<string, string | null> = { ...desiredSelector };
        for (const key of Object.keys(current.spec?.selector ?? {})) if (!(key in desiredSelector)) selector[key] = null;
        spec.selector = selector;
      }
      if (portsDiffer) spec.ports = desired.spec!.ports;
      return { metadata: { labels, annotations, ownerReferences }, spec };
    },
    known,
  );
  return outcome;
}

function samePorts(current: V1ServicePort[] | undefined, desired: V1ServicePort[]): boolean {
  if (!current || current.length !== desired.length) return false;
  return desired.every((port, i) => {
    const c = current[i];
    return c.name === port.name && c.port === port.port && String(c.targetPort) === String(port.targetPort) && (c.appProtocol ?? undefined) === (port.appProtocol ?? undefined);
  });
}
