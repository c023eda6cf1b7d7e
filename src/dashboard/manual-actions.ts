import { createHash } from 'node:crypto';
import { AuthenticationV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { requestAnnotation, type ManualRequestKind } from '../api/annotations.ts';
import { API_GROUP, API_VERSION, type Canary } from '../api/canary.ts';
import { manualRequestRefusal } from '../api/manual-request-check.ts';
import { AccessReviewer } from '../kube/access-review.ts';
import type { RequestUser } from '../kube/front-proxy.ts';
import { bodyOf, isNotFound, statusCodeOf } from '../kube/api-errors.ts';
import { reuseConnections } from '../kube/client.ts';
import { mergePatchOptions } from '../kube/patch.ts';

/**
 * Promote, abort, pause, resume and retry from the dashboard, with the person's own rights and never
 * the dashboard's: the request carries the person's Kubernetes bearer token; a TokenReview says whose it
 * is, a SubjectAccessReview whether that user may patch this Canary, and the Canary is then read and
 * annotated (the same annotation the CLI writes) with the person's token, so the API server checks the
 * rights a second time. The dashboard's own credentials only ask the two reviews.
 */

/** What came of a request, as the HTTP answer the page shows. */
export interface ActionOutcome {
  status: 200 | 401 | 403 | 404 | 409 | 502;
  message: string;
  /** Who the token belongs to, once known. */
  user?: string;
}

export interface ManualActionsOptions {
  /** The dashboard's own credentials: used for TokenReview and SubjectAccessReview only. */
  kubeConfig: KubeConfig;
  now?: () => number;
}

const USER_CLIENTS_KEPT = 16;

export class ManualActions {
  readonly #kubeConfig: KubeConfig;
  readonly #authn: AuthenticationV1Api;
  readonly #access: AccessReviewer;
  readonly #now: () => number;
  /** Clients per token hash, so repeated actions reuse connections; the token itself is not kept as a key. */
  readonly #userClients = new Map<string, CustomObjectsApi>();

  constructor(options: ManualActionsOptions) {
    this.#kubeConfig = options.kubeConfig;
    this.#authn = options.kubeConfig.makeApiClient(AuthenticationV1Api);
    this.#access = new AccessReviewer({ kubeConfig: options.kubeConfig, now: options.now });
    this.#now = options.now ?? Date.now;
  }

  /** Checks the token's user and writes the request annotation; never throws. */
  async perform(action: ManualRequestKind, namespace: string, name: string, token: string | undefined): Promise<ActionOutcome> {
    const label = `canary ${name}.${namespace}`;
    if (!token) return { status: 401, message: `${action} needs your Kubernetes bearer token (e.g. from kubectl create token, or your kubeconfig): the dashboard acts with your rights, never its own` };
    let user: RequestUser;
    try {
      const review = await this.#authn.createTokenReview({ body: { spec: { token } } });
      const reviewed = review.status?.user;
      if (!review.status?.authenticated || !reviewed?.username) return { status: 401, message: 'the API server did not accept this token' };
      user = { username: reviewed.username, uid: reviewed.uid, groups: reviewed.groups ?? [], extra: reviewed.extra ?? {} };
    } catch (err) {
      return { status: 502, message: `cannot review the token: ${apiMessage(err)}` };
    }
    try {
      const answer = await this.#access.review(user, { group: API_GROUP, version: API_VERSION, resource: 'canaries', namespace, name, verb: 'patch' });
      if (!answer.allowed) {
        return { status: 403, user: user.username, message: `user ${user.username} may not patch ${label}${answer.reason ? ` (${answer.reason})` : ''}` };
      }
    } catch (err) {
      return { status: 502, user: user.username, message: `cannot review the access: ${apiMessage(err)}` };
    }
    const custom = this.#clientFor(token);
    const address = { group: API_GROUP, version: API_VERSION, plural: 'canaries', namespace, name };
    try {
      const canary = (await custom.getNamespacedCustomObject(address)) as Canary;
      const refusal = manualRequestRefusal(action, canary);
      if (refusal !== undefined) return { status: 409, user: user.username, message: `cannot ${action} ${label}: ${refusal}` };
      const [key, value] = requestAnnotation(action, user.username, this.#now());
      await custom.patchNamespacedCustomObject({ ...address, body: { metadata: { annotations: { [key]: value } } } }, mergePatchOptions());
      return { status: 200, user: user.username, message: `${action} requested for ${label} by ${user.username}; the controller acts on it at its next tick (${key}=${value})` };
    } catch (err) {
      if (isNotFound(err)) return { status: 404, user: user.username, message: `${label} not found` };
      const code = statusCodeOf(err);
      if (code === 401 || code === 403) return { status: code, user: user.username, message: `the API server refused it: ${apiMessage(err)}` };
      return { status: 502, user: user.username, message: `cannot annotate ${label}: ${apiMessage(err)}` };
    }
  }

  #clientFor(token: string): CustomObjectsApi {
    const key = createHash('sha256').update(token).digest('hex');
    let client = this.#userClients.get(key);
    if (client === undefined) {
      const cluster = this.#kubeConfig.getCurrentCluster();
      if (cluster === null) throw new Error('the dashboard has no current cluster');
      const userConfig = new KubeConfig();
      userConfig.loadFromClusterAndUser(cluster, { name: 'dashboard-user', token });
      client = reuseConnections(userConfig).makeApiClient(CustomObjectsApi);
      if (this.#userClients.size >= USER_CLIENTS_KEPT) this.#userClients.delete(this.#userClients.keys().next().value!);
      this.#userClients.set(key, client);
    }
    return client;
  }
}

function apiMessage(err: unknown): string {
  const body = bodyOf(err);
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message;
  const code = statusCodeOf(err);
  return code !== undefined ? `HTTP ${code}` : err instanceof Error ? err.message : String(err);
}
