import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';
import { isConflict, isNotFound } from './api-errors.ts';
import type { Logger } from '../log/logger.ts';
import { SystemClock, type Clock, type TimerHandle } from '../time/clock.ts';

/** How a LeaderElector reaches its Lease and how long leadership lasts without a renewal. */
export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  /** Namespace of the Lease (the release namespace in the chart). */
  namespace: string;
  /** Name of the Lease; every replica of one installation uses the same name. */
  name: string;
  /** This replica's identity, unique among candidates (the pod name plus a random suffix). */
  identity: string;
  /** How long other candidates wait after the last renewal before taking the lease over. */
  leaseDurationMs: number;
  /** How long the leader keeps leading without a successful renewal; must be shorter than the lease. */
  renewDeadlineMs: number;
  /** How often the leader renews and candidates try to acquire. */
  retryPeriodMs: number;
  logger: Logger;
  /** Now and the timers of retries, the renew deadline and shutdown; the process clock by default, a FakeClock in tests. */
  clock?: Clock;
}

/** What the process does when it gains and loses leadership. */
export interface LeadershipCallbacks {
  /** Start the work only the leader does. */
  onStartedLeading(): void | Promise<void>;
  /** Stop that work at once: another replica may take over as soon as the lease expires. */
  onStoppedLeading(): void | Promise<void>;
}

/** How stop() leaves the lease behind. */
export interface StopOptions {
  /** Clear the holder so another replica takes over at its next retry (default true). */
  release?: boolean;
}

/** The outcome of one attempt: the lease is ours, someone else holds it, or the attempt told us nothing. */
type Attempt = { outcome: 'held'; renewedAt: number } | { outcome: 'heldByOther'; holder: string } | { outcome: 'unknown'; reason: string };

/**
 * Leader election on a coordination.k8s.io/v1 Lease, the way client-go does it: create or take over an
 * expired lease, renew it every retry period, and give leadership up the moment a renewal is overdue or
 * another holder shows up. Every write carries the resourceVersion that was read, so two candidates
 * racing for the same lease cannot both win: the loser gets 409 Conflict.
 *
 * After losing, the elector campaigns again; onStartedLeading may therefore be called more than once.
 */
export class LeaderElector {
  private readonly options: LeaderElectorOptions;
  private readonly api: CoordinationV1Api;
  private readonly clock: Clock;
  private readonly leaseDurationSeconds: number;
  private callbacks: LeadershipCallbacks | undefined;
  private leading = false;
  /** Local time at which the last successful renewal was started: the lease runs from there. */
  private renewedAt = 0;
  private stopped = false;
  private retryTimer: TimerHandle | undefined;
  private wakeRetry: (() => void) | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private attemptInFlight: Promise<unknown> | undefined;
  private loopDone: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    if (!(options.retryPeriodMs > 0 && options.retryPeriodMs < options.renewDeadlineMs && options.renewDeadlineMs < options.leaseDurationMs)) {
      throw new Error('leader election needs 0 < retryPeriod < renewDeadline < leaseDuration');
    }
    this.options = options;
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.clock = options.clock ?? new SystemClock();
    this.leaseDurationSeconds = Math.ceil(options.leaseDurationMs / 1000);
  }

  /** Campaigns for the lease until stop(); resolves once stopped. */
  run(callbacks: LeadershipCallbacks): Promise<void> {
    if (this.loopDone) throw new Error('LeaderElector.run() called twice');
    this.callbacks = callbacks;
    this.loopDone = this.loop();
    return this.loopDone;
  }

  /**
   * Whether this replica leads right now. Judged from the local clock as well as the last renewal, so a
   * stalled event loop cannot make an overdue leader believe it still leads.
   */
  isLeader(): boolean {
    return this.leading && this.now() - this.renewedAt < this.options.renewDeadlineMs;
  }

  /** Stops campaigning; a leader calls onStoppedLeading first, then releases the lease unless told not to. */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.retryTimer?.cancel();
    this.wakeRetry?.();
    const wasLeading = this.leading;
    await this.stopLeading('stopping');
    // An attempt stuck on an unreachable server must not hold shutdown up for long; a late renewal
    // cannot undo the release because it carries an older resourceVersion.
    if (this.attemptInFlight) await this.waitAtMost(this.attemptInFlight, this.options.retryPeriodMs);
    if (wasLeading && options.release !== false) await this.release();
    await this.waitAtMost(this.loopDone ?? Promise.resolve(), this.options.retryPeriodMs);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const attempt = this.tryAcquireOrRenew();
      this.attemptInFlight = attempt;
      const result = await attempt;
      this.attemptInFlight = undefined;
      if (this.stopped) break;
      this.apply(result);
      await this.sleep(this.options.retryPeriodMs);
    }
  }

  private apply(result: Attempt): void {
    if (result.outcome === 'held' && this.now() - result.renewedAt >= this.options.renewDeadlineMs) {
      // The renewal took so long that the lease it wrote may already be up for grabs: it does not count.
      this.options.logger.warn({ lease: this.options.name }, 'lease renewal arrived after the renew deadline');
    } else if (result.outcome === 'held') {
      this.renewedAt = result.renewedAt;
      this.armDeadline();
      if (!this.leading) {
        this.leading = true;
        this.options.logger.info({ lease: this.options.name, identity: this.options.identity }, 'acquired leadership');
        this.invoke('onStartedLeading');
      }
    } else if (result.outcome === 'heldByOther') {
      if (this.leading) void this.stopLeading(`lease taken over by ${result.holder}`);
    } else {
      this.options.logger.warn({ lease: this.options.name, reason: result.reason }, 'lease attempt failed');
    }
  }

  /** Leadership ends when no renewal succeeded within the renew deadline, even if a request still hangs. */
  private armDeadline(): void {
    this.deadlineTimer?.cancel();
    this.deadlineTimer = this.clock.setTimer(this.renewedAt + this.options.renewDeadlineMs, () => void this.stopLeading('renew deadline passed'));
  }

  private async stopLeading(reason: string): Promise<void> {
    this.deadlineTimer?.cancel();
    this.deadlineTimer = undefined;
    if (!this.leading) return;
    this.leading = false;
    this.options.logger.warn({ lease: this.options.name, identity: this.options.identity, reason }, 'lost leadership');
    await this.invoke('onStoppedLeading');
  }

  private async invoke(callback: keyof LeadershipCallbacks): Promise<void> {
    try {
      await this.callbacks?.[callback]();
    } catch (err) {
      this.options.logger.error({ err, callback }, 'leadership callback failed');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = resolve;
      this.retryTimer = this.clock.setTimer(this.now() + ms, resolve);
    });
  }

  /** Waits for the promise, or for ms, whichever comes first; never rejects. */
  private async waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
    let timer: TimerHandle | undefined;
    await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = this.clock.setTimer(this.now() + ms, () => resolve(undefined))))]);
    timer?.cancel();
  }

  private now(): number {
    return this.clock.now();
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, name, identity } = this.options;
    // Taken before the read, so the renewal time written (and believed) is never later than the truth.
    const attemptAt = this.now();
    let current: V1Lease;
    try {
      current = await this.api.readNamespacedLease({ namespace, name });
    } catch (err) {
      if (!isNotFound(err)) return { outcome: 'unknown', reason: errorText(err) };
      try {
        await this.api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: this.spec(attemptAt, undefined) } });
        return { outcome: 'held', renewedAt: attemptAt };
      } catch (createErr) {
        return isConflict(createErr) ? { outcome: 'unknown', reason: 'another candidate created the lease first' } : { outcome: 'unknown', reason: errorText(createErr) };
      }
    }
    const holder = current.spec?.holderIdentity;
    if (holder && holder !== identity && !this.expired(current.spec, attemptAt)) return { outcome: 'heldByOther', holder };
    try {
      await this.api.replaceNamespacedLease({
        namespace,
        name,
        body: { ...current, spec: this.spec(attemptAt, current.spec) },
      });
      return { outcome: 'held', renewedAt: attemptAt };
    } catch (err) {
      // 409: the lease changed since our read; the next attempt reads who holds it now.
      return { outcome: 'unknown', reason: isConflict(err) ? 'lease changed since it was read' : errorText(err) };
    }
  }

  /** A lease nobody renewed for its duration may be taken over; clocks of the replicas are assumed close. */
  private expired(spec: V1LeaseSpec | undefined, now: number): boolean {
    const renewed = spec?.renewTime ?? spec?.acquireTime;
    if (!renewed) return true;
    const durationMs = (spec?.leaseDurationSeconds ?? this.leaseDurationSeconds) * 1000;
    return new Date(renewed).getTime() + durationMs < now;
  }

  private spec(at: number, previous: V1LeaseSpec | undefined): V1LeaseSpec {
    const renewing = previous?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: this.leaseDurationSeconds,
      acquireTime: renewing && previous?.acquireTime ? new V1MicroTime(previous.acquireTime) : new V1MicroTime(at),
      renewTime: new V1MicroTime(at),
      leaseTransitions: renewing ? (previous?.leaseTransitions ?? 0) : (previous?.leaseTransitions ?? -1) + 1,
    };
  }

  /** Clears the holder so the next candidate acquires at once instead of waiting out the lease. */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const current = await this.api.readNamespacedLease({ namespace, name });
        if (current.spec?.holderIdentity !== identity) return;
        // Written in full rather than spread: a read-back time is a plain Date, which loses MicroTime's format.
        const spec: V1LeaseSpec = {
          leaseDurationSeconds: 1,
          acquireTime: current.spec.acquireTime ? new V1MicroTime(current.spec.acquireTime) : undefined,
          renewTime: new V1MicroTime(this.now()),
          leaseTransitions: current.spec.leaseTransitions,
        };
        await this.api.replaceNamespacedLease({ namespace, name, body: { ...current, spec } });
        this.options.logger.info({ lease: name, identity }, 'released leadership');
        return;
      } catch (err) {
        if (!isConflict(err)) {
          this.options.logger.warn({ lease: name, err: errorText(err) }, 'could not release the lease; it expires on its own');
          return;
        }
      }
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
