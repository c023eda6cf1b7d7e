import { isCelError, run } from '@bufbuild/cel';
import type { KstatusStatus } from './kstatus.ts';

/** One entry of a Flux Kustomization's `spec.healthCheckExprs`. */
export interface HealthCheckExprs {
  apiVersion: string;
  kind: string;
  inProgress?: string;
  failed?: string;
  current: string;
}

/**
 * A custom resource's health as Flux's CEL health check computes it (fluxcd/pkg runtime/cel,
 * RFC 0009), with a real CEL evaluator: the resource's top-level fields are the variables; a
 * `status.observedGeneration` that differs from `metadata.generation` is InProgress before any
 * expression runs; then `inProgress`, `failed`, `current` in that order, the first true one deciding;
 * none true is InProgress. An expression that fails to evaluate makes Flux wait and try again: `Error`.
 */
export function fluxHealth(exprs: HealthCheckExprs, resource: Record<string, unknown>): KstatusStatus | 'Error' {
  const metadata = resource.metadata as { generation?: number } | undefined;
  const status = resource.status as { observedGeneration?: number } | undefined;
  if (status?.observedGeneration !== undefined && metadata?.generation !== undefined && status.observedGeneration !== metadata.generation) return 'InProgress';
  const order: [string | undefined, KstatusStatus][] = [
    [exprs.inProgress, 'InProgress'],
    [exprs.failed, 'Failed'],
    [exprs.current, 'Current'],
  ];
  for (const [expression, verdict] of order) {
    if (expression === undefined) continue;
    const result = run(expression, resource as never);
    if (isCelError(result) || typeof result !== 'boolean') return 'Error';
    if (result) return verdict;
  }
  return 'InProgress';
}
