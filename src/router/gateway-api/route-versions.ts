import { HTTPROUTE_VERSIONS, type HttpRouteVersion } from '../../api/router-provider.ts';
import { HttpRouteNotServed, HttpRouteVersionNotServed } from '../router-errors.ts';

/**
 * The HTTPRoute version a Canary's route is written in: the one `provider: gatewayapi:<version>` pins,
 * else `v1` where served (Gateway API v1.0+), else `v1beta1` (v0.6–v0.8, and v1.x for old clients).
 */
export function chooseHttpRouteVersion(served: readonly string[], pinned?: HttpRouteVersion): HttpRouteVersion {
  const known = HTTPROUTE_VERSIONS.filter((version) => served.includes(version));
  if (known.length === 0) throw new HttpRouteNotServed();
  if (pinned !== undefined) {
    if (!known.includes(pinned)) throw new HttpRouteVersionNotServed(pinned, known);
    return pinned;
  }
  return known.includes('v1') ? 'v1' : 'v1beta1';
}
