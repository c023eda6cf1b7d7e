import type { ApisApi } from '@kubernetes/client-node';

/**
 * Which versions of which API groups the cluster serves, from discovery (`GET /apis`). Cached: the
 * answer changes only when CRDs do, so the owner calls `refresh()` on CRD events, and a group seen as
 * missing is looked up again after `missingRetryMs` in case its CRD arrived without anyone telling us.
 */
export class ApiDiscovery {
  readonly #apis: ApisApi;
  readonly #missingRetryMs: number;
  readonly #now: () => number;
  #served: Map<string, string[]> | undefined;
  #fetchedAt = 0;
  #inflight: Promise<Map<string, string[]>> | undefined;

  constructor(apis: ApisApi, options: { missingRetryMs?: number; now?: () => number } = {}) {
    this.#apis = apis;
    this.#missingRetryMs = options.missingRetryMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** The served versions of a group (empty when the group is not served). */
  async servedVersions(group: string): Promise<string[]> {
    let served = this.#served ?? (await this.refresh());
    if (!served.has(group) && this.#now() - this.#fetchedAt >= this.#missingRetryMs) served = await this.refresh();
    return served.get(group) ?? [];
  }

  /** Forgets what was discovered and asks the API server again (concurrent callers share one request). */
  async refresh(): Promise<Map<string, string[]>> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<Map<string, string[]>> {
    const list = await this.#apis.getAPIVersions();
    const served = new Map<string, string[]>();
    for (const group of list.groups ?? []) served.set(group.name, (group.versions ?? []).map((v) => v.version));
    this.#served = served;
    this.#fetchedAt = this.#now();
    return served;
  }
}
