import type { Canary } from '../../api/canary.ts';
import type { HeaderModifier, RouteFilter } from './http-route.ts';

/**
 * The filters Kanari puts on its HTTPRoute rules, as Flagger's gatewayapi router maps them:
 * `service.headers` → RequestHeaderModifier / ResponseHeaderModifier, `service.rewrite` → URLRewrite,
 * the mirror step → RequestMirror to the canary, session affinity → Set-Cookie response headers.
 * The API allows each modifier type once per list, so the Set-Cookie headers join the response modifier.
 */

/** Filter types Kanari writes on its rules and backends; others found there belong to someone else. */
export const OWNED_FILTER_TYPES: ReadonlySet<string> = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'URLRewrite', 'RequestMirror']);

type Operations = { add?: Record<string, string>; set?: Record<string, string>; remove?: string[] };

function modifier(operations: Operations | undefined): HeaderModifier | undefined {
  if (!operations) return undefined;
  const pairs = (map: Record<string, string> | undefined) =>
    Object.entries(map ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value }));
  const out: HeaderModifier = {};
  const add = pairs(operations.add);
  const set = pairs(operations.set);
  if (add.length > 0) out.add = add;
  if (set.length > 0) out.set = set;
  if (operations.remove && operations.remove.length > 0) out.remove = [...operations.remove];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Adds headers to a response modifier (creating it), e.g. a Set-Cookie. */
export function withResponseHeaders(filters: RouteFilter[], headers: { name: string; value: string }[]): RouteFilter[] {
  if (headers.length === 0) return filters;
  const index = filters.findIndex((filter) => filter.type === 'ResponseHeaderModifier');
  if (index < 0) return [...filters, { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: headers } }];
  const current = filters[index].responseHeaderModifier ?? {};
  const merged: RouteFilter = { type: 'ResponseHeaderModifier', responseHeaderModifier: { ...current, add: [...(current.add ?? []), ...headers] } };
  return filters.map((filter, i) => (i === index ? merged : filter));
}

/** The filters every Kanari rule carries: the spec's header modifiers and rewrite. */
export function serviceFilters(canary: Canary): RouteFilter[] {
  const filters: RouteFilter[] = [];
  const service = canary.spec.service;
  const request = modifier(service.headers?.request);
  if (request) filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: request });
  const response = modifier(service.headers?.response);
  if (response) filters.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: response });
  const rewrite = service.rewrite;
  if (rewrite && (rewrite.uri !== undefined || rewrite.authority !== undefined)) {
    const urlRewrite: NonNullable<RouteFilter['urlRewrite']> = {};
    if (rewrite.authority !== undefined) urlRewrite.hostname = rewrite.authority;
    if (rewrite.uri !== undefined) {
      urlRewrite.path = rewrite.type === 'ReplaceFullPath' ? { type: 'ReplaceFullPath', replaceFullPath: rewrite.uri } : { type: 'ReplacePrefixMatch', replacePrefixMatch: rewrite.uri };
    }
    filters.push({ type: 'URLRewrite', urlRewrite });
  }
  return filters;
}

/** A RequestMirror filter copying requests to `service`; `percent` only where the CRD has the field. */
export function mirrorFilter(service: string, port: number, percent: number | undefined): RouteFilter {
  const requestMirror: NonNullable<RouteFilter['requestMirror']> = { backendRef: { group: '', kind: 'Service', name: service, port } };
  if (percent !== undefined) requestMirror.percent = percent;
  return { type: 'RequestMirror', requestMirror };
}

/** Cookie attributes of `analysis.sessionAffinity` besides the name and Max-Age. */
export interface CookieAttributes {
  domain?: string;
  path?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
  partitioned?: boolean;
}

/** The `Set-Cookie` header that gives a user `cookie` (`name=value`) for `maxAge` seconds (-1 expires it), with its attributes. */
export function setCookie(cookie: string, maxAge: number, attributes: CookieAttributes = {}): { name: string; value: string } {
  const parts = [cookie, `Max-Age=${maxAge}`];
  if (attributes.domain !== undefined) parts.push(`Domain=${attributes.domain}`);
  if (attributes.path !== undefined) parts.push(`Path=${attributes.path}`);
  if (attributes.httpOnly) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  if (attributes.sameSite !== undefined) parts.push(`SameSite=${attributes.sameSite}`);
  if (attributes.partitioned) parts.push('Partitioned');
  return { name: 'Set-Cookie', value: parts.join('; ') };
}
