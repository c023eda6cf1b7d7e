/**
 * The parts of a Gateway API HTTPRoute (`gateway.networking.k8s.io`, v1 and v1beta1 share the shape)
 * that Kanari writes or reads. Every other field is carried through untouched as `unknown`, so a route
 * keeps what other writers put in it.
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const HTTPROUTE_PLURAL = 'httproutes';
export const HTTPROUTE_CRD = `${HTTPROUTE_PLURAL}.${GATEWAY_GROUP}`;

export interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
  [other: string]: unknown;
}

export interface HeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface RouteMatch {
  path?: { type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; value?: string };
  headers?: HeaderMatch[];
  queryParams?: HeaderMatch[];
  method?: string;
  [other: string]: unknown;
}

export interface HeaderModifier {
  add?: { name: string; value: string }[];
  set?: { name: string; value: string }[];
  remove?: string[];
}

export interface BackendObjectRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export interface RouteFilter {
  type: string;
  requestHeaderModifier?: HeaderModifier;
  responseHeaderModifier?: HeaderModifier;
  requestMirror?: { backendRef: BackendObjectRef; percent?: number; [other: string]: unknown };
  urlRewrite?: { hostname?: string; path?: { type: string; replaceFullPath?: string; replacePrefixMatch?: string } };
  [other: string]: unknown;
}

export interface BackendRef extends BackendObjectRef {
  weight?: number;
  filters?: RouteFilter[];
  [other: string]: unknown;
}

export interface RouteRule {
  matches?: RouteMatch[];
  filters?: RouteFilter[];
  backendRefs?: BackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
  [other: string]: unknown;
}

export interface RouteParentStatus {
  parentRef: ParentRef;
  controllerName: string;
  conditions?: { type: string; status: string; reason?: string; message?: string; observedGeneration?: number; lastTransitionTime?: string }[];
}

export interface HttpRoute {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; controller?: boolean; [other: string]: unknown }[];
    [other: string]: unknown;
  };
  spec: {
    parentRefs?: ParentRef[];
    hostnames?: string[];
    rules?: RouteRule[];
    [other: string]: unknown;
  };
  status?: { parents?: RouteParentStatus[] };
}
