/**
 * Names of the objects Kanari manages for a Canary, Flagger's convention: target `app` gets a primary
 * Deployment `app-primary`; the service name `app` gets Services `app`, `app-primary`, `app-canary`.
 */

/** The primary copy of a workload, ConfigMap or Secret. */
export function primaryName(name: string): string {
  return `${name}-primary`;
}

/** The Service that selects the canary (target) pods. */
export function canaryServiceName(serviceName: string): string {
  return `${serviceName}-canary`;
}

/** The Service that selects the primary pods. */
export function primaryServiceName(serviceName: string): string {
  return `${serviceName}-primary`;
}

/** The service name of a Canary: `spec.service.name`, or the target's name when unset. */
export function serviceNameOf(canary: { spec: { service: { name?: string }; targetRef: { name: string } } }): string {
  return canary.spec.service.name || canary.spec.targetRef.name;
}

/** The baseline copy of the primary that a run with `analysis.baseline` compares the canary with. */
export function baselineName(name: string): string {
  return `${name}-baseline`;
}

/** The Service that selects the baseline pods. */
export function baselineServiceName(serviceName: string): string {
  return `${serviceName}-baseline`;
}
