/** A pending injected failure: the next `remaining` requests fail with this code. */
interface PendingFailure {
  remaining: number;
  code: number;
  retryAfterSeconds: number | undefined;
}

/** What the server lets Faults do to it. */
export interface FaultTargets {
  dropWatches(): number;
  compact(): void;
  down(): Promise<void>;
  up(): Promise<void>;
}

/**
 * Failures tests inject on purpose: added latency, failed and throttled requests, forced conflicts,
 * dropped watch streams, compaction (410 Gone) and the server going away and coming back.
 */
export class Faults {
  /** Milliseconds added before every API request is answered (not to watch events already streaming). */
  latencyMs = 0;
  private readonly failures: PendingFailure[] = [];
  private conflicts = 0;
  private readonly targets: FaultTargets;

  constructor(targets: FaultTargets) {
    this.targets = targets;
  }

  /** Adds latency to every request from now on (0 removes it). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Fails the next n API requests with the code (5xx or 429), with Retry-After when given. */
  failNext(n: number, code = 500, retryAfterSeconds?: number): void {
    this.failures.push({ remaining: n, code, retryAfterSeconds: retryAfterSeconds ?? (code === 429 ? 1 : undefined) });
  }

  /** Makes the next update or patch of an existing object fail with 409 Conflict. */
  conflictNext(n = 1): void {
    this.conflicts += n;
  }

  /** Closes every open watch stream cleanly, as a restarting API server or a load balancer would. */
  dropWatches(): number {
    return this.targets.dropWatches();
  }

  /** Forgets the history: watches from any earlier resourceVersion get 410 Gone, open ones receive it. */
  compact(): void {
    this.targets.compact();
  }

  /** Stops listening and cuts every connection; the store survives. */
  down(): Promise<void> {
    return this.targets.down();
  }

  /** Listens again on the same port. */
  up(): Promise<void> {
    return this.targets.up();
  }

  /** Removes every pending fault. */
  reset(): void {
    this.latencyMs = 0;
    this.failures.length = 0;
    this.conflicts = 0;
  }

  /** The injected failure for this request, if one is pending (consumes it). */
  takeFailure(): { code: number; retryAfterSeconds: number | undefined } | undefined {
    const f = this.failures[0];
    if (!f) return undefined;
    if (--f.remaining <= 0) this.failures.shift();
    return { code: f.code, retryAfterSeconds: f.retryAfterSeconds };
  }

  /** Whether this write must fail with a forced conflict (consumes it). */
  takeConflict(): boolean {
    if (this.conflicts === 0) return false;
    this.conflicts--;
    return true;
  }
}
