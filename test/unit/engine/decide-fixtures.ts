import type { CanaryWebhook } from '../../../src/api/canary.ts';
import type { World } from './world.ts';

// What the decide suites share: the two built-in checks, a webhook of a type, a condition by type.
export const successRate = { name: 'request-success-rate', thresholdRange: { min: 99 } };
export const duration = { name: 'request-duration', thresholdRange: { max: 500 } };
export const hook = (type: CanaryWebhook['type'], name: string = type ?? 'rollout'): CanaryWebhook => ({ name, type, url: `http://hooks/${name}` });

export function condition(world: World, type: string) {
  return world.status.conditions?.find((c) => c.type === type);
}

