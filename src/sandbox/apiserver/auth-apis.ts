import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, invalid, methodNotAllowed, pathNotFound, unauthorized } from './api-error.ts';
import type { AggregatedHandler } from './http-handler.ts';
import { isObject, type JsonObject } from './json.ts';
import type { ObjectStore } from './object-store.ts';
import { authorize, type AccessAttributes, type RbacObjects, type UserInfo } from './rbac-authorizer.ts';
import type { ResourceRegistry } from './resource-registry.ts';

/**
 * The sandbox's `authentication.k8s.io/v1` (TokenReview, SelfSubjectReview) and `authorization.k8s.io/v1`
 * (SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview) APIs: who a bearer token
 * belongs to, and whether a user may do something according to the stored RBAC objects. This is what a
 * component does to act for a person without its own rights (kube-rbac-proxy, dashboards).
 */

/** The users the server knows: token → name, and each name's groups besides `system:authenticated`. */
export interface AuthUsers {
  byToken: Map<string, string>;
  groups: Map<string, string[]>;
}

export interface AuthApiDeps {
  registry: ResourceRegistry;
  aggregatedHandlers: Map<string, AggregatedHandler>;
  store: ObjectStore;
  users: AuthUsers;
}

/** Serves both groups through the server's aggregated-API routing (no APIService objects: they are built in). */
export function mountAuthApis(deps: AuthApiDeps): void {
  const { registry, aggregatedHandlers } = deps;
  const create = ['create'];
  registry.aggregated.set('authentication.k8s.io/v1', {
    group: 'authentication.k8s.io',
    version: 'v1',
    resources: [
      { name: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: create, singularName: 'tokenreview' },
      { name: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, verbs: create, singularName: 'selfsubjectreview' },
    ],
  });
  registry.aggregated.set('authorization.k8s.io/v1', {
    group: 'authorization.k8s.io',
    version: 'v1',
    resources: [
      { name: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false, verbs: create, singularName: 'subjectaccessreview' },
      { name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: create, singularName: 'selfsubjectaccessreview' },
      { name: 'localsubjectaccessreviews', kind: 'LocalSubjectAccessReview', namespaced: true, verbs: create, singularName: 'localsubjectaccessreview' },
    ],
  });
  aggregatedHandlers.set('authentication.k8s.io/v1', (req, res, path) => void serve(req, res, () => authentication(deps, req, path)));
  aggregatedHandlers.set('authorization.k8s.io/v1', (req, res, path) => void serve(req, res, () => authorization(deps, req, path)));
}

/** The user a bearer token stands for, with its groups, or undefined for an unknown token. */
export function userOfToken(users: AuthUsers, token: string): UserInfo | undefined {
  const name = users.byToken.get(token);
  return name === undefined ? undefined : userNamed(users, name);
}

function userNamed(users: AuthUsers, name: string): UserInfo {
  return { name, groups: [...(users.groups.get(name) ?? []), 'system:authenticated'] };
}

async function authentication(deps: AuthApiDeps, req: IncomingMessage, path: string): Promise<JsonObject> {
  const body = await postedObject(req);
  if (path === '/tokenreviews') {
    const token = String((body.spec as JsonObject | undefined)?.token ?? '');
    if (token === '') throw invalid({ group: 'authentication.k8s.io', plural: 'tokenreviews', kind: 'TokenReview' }, '', [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.token' }]);
    const user = userOfToken(deps.users, token);
    const status = user ? { authenticated: true, user: { username: user.name, uid: user.name, groups: user.groups } } : { authenticated: false, error: 'invalid bearer token' };
    return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: body.spec ?? {}, status };
  }
  if (path === '/selfsubjectreviews') {
    const user = requester(deps, req);
    return { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { creationTimestamp: null }, status: { userInfo: { username: user.name, uid: user.name, groups: user.groups } } };
  }
  throw pathNotFound();
}

async function authorization(deps: AuthApiDeps, req: IncomingMessage, path: string): Promise<JsonObject> {
  const body = await postedObject(req);
  const spec = isObject(body.spec) ? body.spec : {};
  let kind: string;
  let user: UserInfo;
  let namespace: string | undefined;
  const local = /^\/namespaces\/([^/]+)\/localsubjectaccessreviews$/.exec(path);
  if (path === '/subjectaccessreviews' || local) {
    kind = local ? 'LocalSubjectAccessReview' : 'SubjectAccessReview';
    const name = typeof spec.user === 'string' ? spec.user : '';
    const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
    if (name === '' && groups.length === 0) {
      throw invalid({ group: 'authorization.k8s.io', plural: 'subjectaccessreviews', kind }, '', [{ reason: 'FieldValueInvalid', message: 'Invalid value: "": at least one of user or group must be specified', field: 'spec.user' }]);
    }
    // What the caller says about the user is taken as given, as kube-apiserver does: it trusts the caller.
    user = { name, groups };
    namespace = local?.[1];
  } else if (path === '/selfsubjectaccessreviews') {
    kind = 'SelfSubjectAccessReview';
    user = requester(deps, req);
  } else {
    throw pathNotFound();
  }
  const attributes = accessAttributes(spec, kind);
  if (namespace !== undefined && attributes.namespace !== namespace) {
    throw invalid({ group: 'authorization.k8s.io', plural: 'localsubjectaccessreviews', kind }, '', [
      { reason: 'FieldValueInvalid', message: `Invalid value: "${attributes.namespace ?? ''}": must match metadata.namespace`, field: 'spec.resourceAttributes.namespace' },
    ]);
  }
  const decision = authorize(rbacObjects(deps.store), user, attributes);
  return { apiVersion: 'authorization.k8s.io/v1', kind, metadata: { creationTimestamp: null }, spec, status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) } };
}

function accessAttributes(spec: JsonObject, kind: string): AccessAttributes {
  const resource = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if ((resource === undefined) === (nonResource === undefined)) {
    throw invalid({ group: 'authorization.k8s.io', plural: 'subjectaccessreviews', kind }, '', [
      { reason: 'FieldValueRequired', message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' },
    ]);
  }
  if (nonResource) return { verb: String(nonResource.verb ?? ''), path: String(nonResource.path ?? '') };
  const text = (key: string): string | undefined => (typeof resource![key] === 'string' && resource![key] !== '' ? (resource![key] as string) : undefined);
  return { verb: text('verb') ?? '', group: text('group') ?? '', resource: text('resource'), subresource: text('subresource'), name: text('name'), namespace: text('namespace') };
}

function requester(deps: AuthApiDeps, req: IncomingMessage): UserInfo {
  const user = userOfToken(deps.users, (req.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (!user) throw unauthorized();
  return user;
}

function rbacObjects(store: ObjectStore): RbacObjects {
  const group = 'rbac.authorization.k8s.io';
  return {
    clusterRoles: () => store.list(`clusterroles.${group}`),
    clusterRoleBindings: () => store.list(`clusterrolebindings.${group}`),
    roles: (namespace) => store.list(`roles.${group}`, namespace),
    roleBindings: (namespace) => store.list(`rolebindings.${group}`, namespace),
  };
}

async function postedObject(req: IncomingMessage): Promise<JsonObject> {
  if (req.method !== 'POST') throw methodNotAllowed();
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw badRequest(`the object provided is unrecognized: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw badRequest('the object provided is unrecognized');
  return value;
}

async function serve(req: IncomingMessage, res: ServerResponse, answer: () => Promise<JsonObject>): Promise<void> {
  try {
    send(res, 201, await answer());
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
    send(res, error.code, error.toStatus());
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': bytes.length }).end(bytes);
}

