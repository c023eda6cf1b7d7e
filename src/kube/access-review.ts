import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { RequestUser } from './front-proxy.ts';

/**
 * Delegated authorization, as an aggregated API server does it: the API server is asked, with a
 * SubjectAccessReview, whether the user the front proxy named may do what the request does. Answers are
 * kept for a short while (10 s, like kube-apiserver's delegated authorizer), so a dashboard polling the
 * same figures costs one review per window, and the cache is bounded.
 */

/** A request on a resource, in RBAC's terms. */
export interface ResourceAccess {
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  /** Absent for a cluster-wide request. */
  namespace?: string;
  name?: string;
  verb: string;
}

/** A request on a path that is not a resource (`/apis/…` discovery, `/openapi/v2`). */
export interface PathAccess {
  path: string;
  verb: string;
}

export interface AccessAnswer {
  allowed: boolean;
  /** Why, as the API server words it (which binding allowed it, or nothing). */
  reason: string;
}

const DEFAULT_TTL_MS = 10_000;
const DEFAULT_MAX_ENTRIES = 10_000;

export class AccessReviewer {
  readonly #api: AuthorizationV1Api;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #answers = new Map<string, { answer: AccessAnswer; until: number }>();

  constructor(options: { kubeConfig: KubeConfig; ttlMs?: number; maxEntries?: number; now?: () => number }) {
    this.#api = options.kubeConfig.makeApiClient(AuthorizationV1Api);
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#now = options.now ?? Date.now;
  }

  /** Whether `user` may make the request; throws when the API server cannot be asked. */
  async review(user: RequestUser, access: ResourceAccess | PathAccess): Promise<AccessAnswer> {
    const key = JSON.stringify([user.username, user.uid, [...user.groups].sort(), user.extra, access]);
    const cached = this.#answers.get(key);
    if (cached && cached.until > this.#now()) return cached.answer;
    const attributes = 'path' in access ? { nonResourceAttributes: access } : { resourceAttributes: access };
    const review = await this.#api.createSubjectAccessReview({
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, ...attributes } },
    });
    const answer = { allowed: review.status?.allowed === true && review.status.denied !== true, reason: review.status?.reason ?? '' };
    this.#answers.delete(key);
    if (this.#answers.size >= this.#maxEntries) this.#answers.delete(this.#answers.keys().next().value as string);
    this.#answers.set(key, { answer, until: this.#now() + this.#ttlMs });
    return answer;
  }
}
