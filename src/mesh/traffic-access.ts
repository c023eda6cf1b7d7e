/**
 * The TrafficAccess preflight of a Canary: in a mesh that denies by default, the canary's pods accept
 * only callers some TrafficTarget admits to their ServiceAccount. The callers of the apex Service today
 * are the sources admitted to the primary's ServiceAccount; when the canary runs as another
 * ServiceAccount, each of them needs a TrafficTarget to it as well, or the canary refuses their requests
 * the moment it gets traffic. Pure: it reads plain objects.
 */

/** A ServiceAccount as TrafficTargets name it. */
export interface AccountRef {
  namespace: string;
  name: string;
}

/** A TrafficTarget read from any served `access.smi-spec.io` version. */
export interface TrafficTargetView {
  name: string;
  namespace: string;
  destination: AccountRef;
  sources: AccountRef[];
}

/** The preflight's answer for one Canary. */
export interface AccessPreflight {
  /** `ok`: every caller is admitted; `warn`: some would be refused; `no-policy`: no TrafficTarget names either account. */
  result: 'ok' | 'warn' | 'no-policy';
  primaryAccount: AccountRef;
  canaryAccount: AccountRef;
  /** Sources admitted to the primary's account: the apex Service's callers. */
  callers: AccountRef[];
  /** Callers no TrafficTarget admits to the canary's account. */
  refused: AccountRef[];
  message: string;
}

/** Reads a TrafficTarget of v1alpha1 (fields at the top) or v1alpha2+ (under `spec`). */
export function trafficTargetView(object: { metadata?: { name?: string; namespace?: string }; spec?: unknown } & Record<string, unknown>): TrafficTargetView | undefined {
  const namespace = object.metadata?.namespace ?? 'default';
  const body = (object.spec ?? object) as { destination?: { kind?: string; name?: string; namespace?: string }; sources?: { kind?: string; name?: string; namespace?: string }[] };
  const destination = body.destination;
  if (destination?.name === undefined || (destination.kind ?? 'ServiceAccount') !== 'ServiceAccount') return undefined;
  const sources = (body.sources ?? [])
    .filter((source) => (source.kind ?? 'ServiceAccount') === 'ServiceAccount' && source.name !== undefined)
    .map((source) => ({ namespace: source.namespace ?? namespace, name: source.name! }));
  return { name: object.metadata?.name ?? '', namespace, destination: { namespace: destination.namespace ?? namespace, name: destination.name }, sources };
}

/** Whether the canary's account admits every caller of the primary's account. */
export function accessPreflight(primaryAccount: AccountRef, canaryAccount: AccountRef, targets: readonly TrafficTargetView[]): AccessPreflight {
  const to = (account: AccountRef) => targets.filter((target) => same(target.destination, account));
  const toPrimary = to(primaryAccount);
  const toCanary = to(canaryAccount);
  const callers = unique(toPrimary.flatMap((target) => target.sources));
  const base = { primaryAccount, canaryAccount, callers };
  if (toPrimary.length === 0 && toCanary.length === 0) {
    return { ...base, result: 'no-policy', refused: [], message: `no TrafficTarget names ServiceAccount ${text(primaryAccount)}: access control does not restrict this app (or is off)` };
  }
  if (same(primaryAccount, canaryAccount)) {
    return { ...base, result: 'ok', refused: [], message: `the canary runs as the primary's ServiceAccount ${text(canaryAccount)}: the same TrafficTargets (${names(toPrimary)}) admit its callers` };
  }
  const admitted = toCanary.flatMap((target) => target.sources);
  const refused = callers.filter((caller) => !admitted.some((source) => same(source, caller)));
  if (refused.length === 0) {
    return { ...base, result: 'ok', refused, message: `the canary runs as ${text(canaryAccount)} and TrafficTargets (${names(toCanary)}) admit every caller of the primary (${callers.map(text).join(', ') || 'none'})` };
  }
  return {
    ...base,
    result: 'warn',
    refused,
    message:
      `the canary runs as ServiceAccount ${text(canaryAccount)}, but no TrafficTarget admits ${refused.map(text).join(', ')} to it ` +
      `(${names(toPrimary)} admit${toPrimary.length === 1 ? 's' : ''} them to the primary's ${text(primaryAccount)}): the canary would refuse their requests`,
  };
}

function same(a: AccountRef, b: AccountRef): boolean {
  return a.namespace === b.namespace && a.name === b.name;
}

function unique(accounts: AccountRef[]): AccountRef[] {
  return accounts.filter((account, i) => accounts.findIndex((other) => same(other, account)) === i);
}

function text(account: AccountRef): string {
  return `${account.namespace}/${account.name}`;
}

function names(targets: TrafficTargetView[]): string {
  return targets.map((target) => `TrafficTarget ${target.name}`).join(', ');
}
