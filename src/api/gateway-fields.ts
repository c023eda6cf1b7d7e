import { Type } from '@sinclair/typebox';
import { StringEnum, StringMap, Struct } from './schema-types.ts';

/**
 * The Canary fields only the Gateway API router reads (`provider: gatewayapi`), named and shaped as in
 * Flagger's Canary so a Flagger gatewayapi Canary carries over unchanged. Kept apart from canary.ts so
 * the Canary schema reads as one page and these stay together.
 */

/** Gateway API's Duration: up to four number+unit pairs, e.g. `30s`, `1m30s`, `500ms` (GEP-2257). */
export const GATEWAY_DURATION_PATTERN = '^([0-9]{1,5}(h|m|s|ms)){1,4}$';

/** A parent the HTTPRoute attaches to: a Gateway (and listener) for north–south traffic. */
export const GatewayRefSchema = Struct({
  name: Type.String({ minLength: 1, maxLength: 253 }),
  namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: "Defaults to the Canary's namespace." })),
  group: Type.Optional(Type.String({ maxLength: 253, description: 'Default gateway.networking.k8s.io; "" (or core) with kind Service attaches in-mesh.' })),
  kind: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'Default Gateway.' })),
  sectionName: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'A listener of the Gateway.' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Written only where the installed HTTPRoute CRD has parentRefs[].port (Gateway API v1.1+).' })),
}, { description: "A parentRef of the HTTPRoute, as Gateway API's ParentReference." });

const HeaderOperations = Struct({
  add: Type.Optional(StringMap()),
  set: Type.Optional(StringMap()),
  remove: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
});

/** Headers added, set or removed on requests and responses through the route. */
export const ServiceHeadersSchema = Struct({
  request: Type.Optional(HeaderOperations),
  response: Type.Optional(HeaderOperations),
}, { description: 'Gateway API router: RequestHeaderModifier and ResponseHeaderModifier filters on the route.' });

/** A path or host rewrite on the way to the backends. */
export const ServiceRewriteSchema = Struct({
  uri: Type.Optional(Type.String({ minLength: 1, description: 'The new path (or prefix).' })),
  authority: Type.Optional(Type.String({ minLength: 1, description: 'The new Host header.' })),
  type: Type.Optional(StringEnum(['ReplaceFullPath', 'ReplacePrefixMatch'], { description: 'How uri replaces the path (default ReplacePrefixMatch).' })),
}, { description: 'Gateway API router: a URLRewrite filter on the route.' });

/** Sticky canary users: Flagger's `analysis.sessionAffinity`. */
export const SessionAffinitySchema = Struct({
  cookieName: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', description: 'The cookie that keeps a user who reached the canary on it.' }),
  maxAge: Type.Optional(Type.Integer({ minimum: 1, default: 86400, description: 'Max-Age of the cookie in seconds.' })),
  primaryCookieName: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', description: 'A cookie that keeps a user who reached the primary on it while the weights move.' })),
  domain: Type.Optional(Type.String({ minLength: 1, pattern: '^[^;,\\s]+$', description: 'Domain attribute of the cookies.' })),
  path: Type.Optional(Type.String({ minLength: 1, pattern: '^[^;,\\s]+$', description: 'Path attribute of the cookies.' })),
  httpOnly: Type.Optional(Type.Boolean({ description: 'HttpOnly attribute: scripts cannot read the cookies.' })),
  secure: Type.Optional(Type.Boolean({ description: 'Secure attribute: the cookies travel over HTTPS only.' })),
  sameSite: Type.Optional(StringEnum(['Strict', 'Lax', 'None'], { description: 'SameSite attribute of the cookies.' })),
  partitioned: Type.Optional(Type.Boolean({ description: 'Partitioned attribute (CHIPS).' })),
}, { description: 'Gateway API router, weighted canaries: users who reach the canary get a cookie that keeps them there for the run.' });

/** The Gateway API fields of `spec.service`. */
export const gatewayServiceFields = {
  gatewayRefs: Type.Optional(Type.Array(GatewayRefSchema, { maxItems: 32, description: 'Gateway API router: the Gateways the HTTPRoute attaches to (north–south). Without them the route attaches to the apex Service (in-mesh, GAMMA).' })),
  timeout: Type.Optional(Type.String({ pattern: GATEWAY_DURATION_PATTERN, description: 'Gateway API router: the request timeout of the route (rules[].timeouts.request).' })),
  backendTimeout: Type.Optional(Type.String({ pattern: GATEWAY_DURATION_PATTERN, description: 'Gateway API router: the timeout of each try to a backend (rules[].timeouts.backendRequest); at most timeout.' })),
  headers: Type.Optional(ServiceHeadersSchema),
  rewrite: Type.Optional(ServiceRewriteSchema),
};

/** The Gateway API fields of `spec.analysis`. */
export const gatewayAnalysisFields = {
  mirror: Type.Optional(Type.Boolean({ description: 'Gateway API router: copy requests to the canary before it gets live traffic (blue/green: for the whole analysis; canary: for one step first).' })),
  mirrorWeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Percent of requests mirrored (default all); written only where the installed HTTPRoute CRD has mirror percent (Gateway API v1.2+).' })),
  sessionAffinity: Type.Optional(SessionAffinitySchema),
};
