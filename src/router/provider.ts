import { parseRouterProvider, type HttpRouteVersion } from '../api/router-provider.ts';
import { UnknownProvider } from './router-errors.ts';
import type { SplitVersion } from './smi-versions.ts';

/** A parsed `spec.provider`: which router, and an optional pinned version of its route API. */
export type ProviderSpec = { kind: 'smi'; pinnedVersion?: SplitVersion } | { kind: 'gatewayapi'; pinnedVersion?: HttpRouteVersion } | { kind: 'kubernetes' };

/**
 * The router's reading of `spec.provider`, through the same parser validation uses (so a provider the
 * API accepts, such as Flagger's `linkerd`, is one the router can serve); throws UnknownProvider otherwise.
 */
export function parseProvider(provider: string | undefined): ProviderSpec {
  const parsed = parseRouterProvider(provider?.trim());
  if (parsed.kind === 'unsupported') throw new UnknownProvider(provider ?? '');
  if (parsed.kind === 'gatewayapi') return parsed.version ? { kind: 'gatewayapi', pinnedVersion: parsed.version } : { kind: 'gatewayapi' };
  if (parsed.kind === 'kubernetes') return { kind: 'kubernetes' };
  return parsed.version ? { kind: 'smi', pinnedVersion: parsed.version } : { kind: 'smi' };
}
