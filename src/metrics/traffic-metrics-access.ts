import type { ServerResponse } from 'node:http';
import type { AccessAnswer, AccessReviewer, PathAccess, ResourceAccess } from '../kube/access-review.ts';
import { authenticateFrontProxy, type RequestHeaderSettings, type RequestUser } from '../kube/front-proxy.ts';
import type { Logger } from '../log/logger.ts';
import type { TrafficMetricsHandler } from './traffic-metrics-handler.ts';
import { TRAFFIC_METRICS_PATH } from './traffic-metrics-api.ts';

/**
 * Who may read `kanari metrics-server`'s figures: callers the front proxy authenticated (see
 * kube/front-proxy.ts), and of those only users the API server's RBAC lets `get` or `list` the
 * resource (`deployments.metrics.smi-spec.io` in the namespace…), asked with a SubjectAccessReview.
 * Health paths stay open, as Kubernetes' extension servers leave them.
 */

const ALWAYS_ALLOWED = new Set(['/healthz', '/livez', '/readyz']);
const [GROUP, VERSION] = TRAFFIC_METRICS_PATH.replace('/apis/', '').split('/');

export interface TrafficMetricsAccess {
  /** The front proxy's settings now (they are re-read while the server runs). */
  settings(): RequestHeaderSettings;
  reviewer: AccessReviewer;
  logger?: Logger;
}

/** What a request asks to do, in RBAC's terms, as kube-apiserver's request-info resolver reads a path. */
export function accessOf(method: string, url: string): ResourceAccess | PathAccess {
  const path = new URL(url, 'http://metrics').pathname.replace(/\/+$/, '');
  const verb = method === 'GET' || method === 'HEAD' ? 'get' : method.toLowerCase();
  if (!path.startsWith(`${TRAFFIC_METRICS_PATH}/`)) return { path: path || '/', verb };
  const parts = path.slice(TRAFFIC_METRICS_PATH.length + 1).split('/').map(decodeURIComponent);
  const base = { group: GROUP, version: VERSION };
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    const [, namespace, resource, name, subresource] = parts;
    return { ...base, resource, namespace, ...(name ? { name } : {}), ...(subresource ? { subresource } : {}), verb: name ? verb : 'list' };
  }
  const [resource, name, subresource] = parts;
  // `namespaces/<ns>` names the namespace itself; kube-apiserver puts it in both fields.
  const namespace = resource === 'namespaces' && name ? name : undefined;
  return { ...base, resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), ...(subresource ? { subresource } : {}), verb: name ? verb : 'list' };
}

/** Wraps the TrafficMetrics handler: 401 for anyone but the front proxy, 403 for a user RBAC does not allow. */
export function guardTrafficMetrics(handler: TrafficMetricsHandler, access: TrafficMetricsAccess): TrafficMetricsHandler {
  return async (request, response) => {
    const url = request.url ?? '/';
    if (ALWAYS_ALLOWED.has(new URL(url, 'http://metrics').pathname)) return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    const caller = authenticateFrontProxy(request, access.settings());
    if (!caller.authenticated) {
      access.logger?.info({ path: url, why: caller.reason }, 'unauthenticated request refused');
      return status(response, 401, 'Unauthorized', 'Unauthorized');
    }
    const wanted = accessOf(request.method ?? 'GET', url);
    let answer: AccessAnswer;
    try {
      answer = await access.reviewer.review(caller.user, wanted);
    } catch (err) {
      access.logger?.warn({ path: url, user: caller.user.username, err: err instanceof Error ? err.message : String(err) }, 'SubjectAccessReview failed');
      return status(response, 500, 'InternalError', 'Internal error occurred: the API server could not be asked whether this user may read traffic metrics');
    }
    if (!answer.allowed) return status(response, 403, 'Forbidden', forbiddenMessage(caller.user, wanted, answer));
    await handler(request, response);
  };
}

/** kube-apiserver's wording of a refusal, so `kubectl get --raw` shows the same as for a built-in resource. */
function forbiddenMessage(user: RequestUser, access: ResourceAccess | PathAccess, answer: AccessAnswer): string {
  const why = answer.reason ? `: ${answer.reason}` : '';
  if ('path' in access) return `forbidden: User "${user.username}" cannot ${access.verb} path "${access.path}"${why}`;
  const object = `${access.resource}${access.subresource ? `/${access.subresource}` : ''}`;
  const subject = access.name ? `${access.resource}.${access.group} "${access.name}"` : `${access.resource}.${access.group}`;
  const where = access.namespace ? ` in the namespace "${access.namespace}"` : ' at the cluster scope';
  return `${subject} is forbidden: User "${user.username}" cannot ${access.verb} resource "${object}" in API group "${access.group}"${where}${why}`;
}

function status(response: ServerResponse, code: number, reason: string, message: string): void {
  response
    .writeHead(code, { 'content-type': 'application/json' })
    .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}
