/** One kind of access a client made, in RBAC's terms. */
export interface AccessRecord {
  user: string;
  /** API group; '' for the core group. */
  group: string;
  /** Plural resource, with `/subresource` where one was used (`deployments/scale`, `canaries/status`). */
  resource: string;
  verb: string;
}

/**
 * The distinct (user, group, resource, verb) tuples seen, so a test can compare what a client really
 * used with what its RBAC role grants. Bounded by the number of distinct tuples, not requests.
 */
export class AccessLog {
  private readonly seen = new Map<string, AccessRecord>();

  /** Records one access. */
  record(access: AccessRecord): void {
    const key = `${access.user}\u0000${access.group}\u0000${access.resource}\u0000${access.verb}`;
    if (!this.seen.has(key)) this.seen.set(key, access);
  }

  /** Every distinct access, optionally of one user, sorted by group, resource and verb. */
  records(user?: string): AccessRecord[] {
    return [...this.seen.values()]
      .filter((access) => user === undefined || access.user === user)
      .sort((a, b) => `${a.group}/${a.resource}/${a.verb}`.localeCompare(`${b.group}/${b.resource}/${b.verb}`));
  }
}
