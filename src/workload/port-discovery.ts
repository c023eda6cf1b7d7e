import type { V1PodSpec, V1ServicePort } from '@kubernetes/client-node';
import type { CanaryService } from '../api/canary.ts';

/** Mesh proxies whose ports are not the app's (Flagger skips the same two). */
const SIDECARS = new Set(['istio-proxy', 'envoy']);

/**
 * `service.portDiscovery`: every container port of the target besides the one `spec.service` already
 * exposes, as Flagger adds them to the generated Services: named as the container names them
 * (`tcp-<container>-<index>` when unnamed), on the same number. Ports that would clash with the main
 * port's name or number are left out (the API server would refuse the Service), and the list is sorted
 * by name so the Services do not change when nothing did.
 */
export function discoveredPorts(service: CanaryService, mainPort: V1ServicePort, podSpec: V1PodSpec | undefined): V1ServicePort[] {
  const ports = new Map<string, V1ServicePort>();
  for (const container of podSpec?.containers ?? []) {
    if (SIDECARS.has(container.name)) continue;
    (container.ports ?? []).forEach((port, index) => {
      if (isMainPort(service, port.containerPort, port.name)) return;
      const name = port.name || `tcp-${container.name}-${index}`;
      if (name === mainPort.name || port.containerPort === mainPort.port) return;
      ports.set(name, { name, port: port.containerPort, targetPort: port.containerPort as unknown as V1ServicePort['targetPort'], protocol: port.protocol ?? 'TCP' });
    });
  }
  return [...ports.values()].sort((a, b) => (a.name! < b.name! ? -1 : 1));
}

// The container port the main Service port forwards to: targetPort by number or name, else `port`.
function isMainPort(service: CanaryService, containerPort: number, name: string | undefined): boolean {
  const target = service.targetPort ?? service.port;
  return typeof target === 'number' ? containerPort === target : name === target;
}
