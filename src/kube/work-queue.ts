/**
 * Where keys wait for their turn. The queue asks it which key runs next; what "next" means (first in,
 * first out, or a priority such as the controller's due ticks before new work) is the line's.
 */
export interface WaitingLine<P> {
  readonly size: number;
  /** Puts `key` in line at `place`, or moves it up when it waits already and `place` comes sooner. */
  add(key: string, place: P): void;
  /** Takes the key to run next, if any. */
  take(): string | undefined;
  /** The sooner of two places (for a key asked for twice while it runs). */
  sooner(a: P, b: P): P;
  /** Whether `key` waits in line. */
  has(key: string): boolean;
  clear(): void;
}

/** First in, first out; a key asked for again keeps its place. */
export class FifoLine implements WaitingLine<void> {
  readonly #keys = new Set<string>();

  get size(): number {
    return this.#keys.size;
  }

  add(key: string): void {
    this.#keys.add(key);
  }

  take(): string | undefined {
    for (const key of this.#keys) {
      this.#keys.delete(key);
      return key;
    }
    return undefined;
  }

  sooner(): void {}

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  clear(): void {
    this.#keys.clear();
  }
}

/**
 * A per-key work queue: one handler run at a time per key, bursts coalesced. Informer callbacks are
 * not awaited by client-node, so without this two events for one Canary could reconcile it
 * concurrently. A key added while it runs is run once more afterwards, however many times it was added,
 * at the soonest place it was asked for.
 */
export class KeyedWorkQueue<P = void> {
  readonly #handler: (key: string) => Promise<void>;
  readonly #concurrency: number;
  readonly #onError: (key: string, err: unknown) => void;
  readonly #line: WaitingLine<P>;
  readonly #running = new Set<string>();
  /** Keys asked for while running, with the soonest place they were asked for. */
  readonly #dirty = new Map<string, P>();
  readonly #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(options: { handler: (key: string) => Promise<void>; concurrency?: number; onError?: (key: string, err: unknown) => void; line?: WaitingLine<P> }) {
    this.#handler = options.handler;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#onError = options.onError ?? (() => {});
    this.#line = options.line ?? (new FifoLine() as unknown as WaitingLine<P>);
  }

  /** Schedules `key` at `place` in line; a waiting key only moves up. */
  add(key: string, ...[place]: [P] extends [void] ? [] : [P]): void {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      const earlier = this.#dirty.get(key);
      this.#dirty.set(key, this.#dirty.has(key) ? this.#line.sooner(earlier as P, place as P) : (place as P));
      return;
    }
    this.#line.add(key, place as P);
    this.#pump();
  }

  /** Whether `key` waits, runs, or is to run again. */
  busy(key: string): boolean {
    return this.#running.has(key) || this.#dirty.has(key) || this.#line.has(key);
  }

  /** Keys waiting or running. */
  size(): number {
    return this.#line.size + this.#running.size;
  }

  /** Resolves when nothing is waiting or running. */
  async idle(): Promise<void> {
    if (this.size() === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Accepts no more keys and drops waiting ones; running handlers finish; resolves when they have. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#line.clear();
    this.#dirty.clear();
    await this.idle();
  }

  #pump(): void {
    while (this.#running.size < this.#concurrency) {
      const key = this.#line.take();
      if (key === undefined) return;
      this.#running.add(key);
      void this.#run(key);
    }
  }

  async #run(key: string): Promise<void> {
    try {
      await this.#handler(key);
    } catch (err) {
      this.#onError(key, err);
    } finally {
      this.#running.delete(key);
      if (this.#dirty.has(key) && !this.#stopped) this.#line.add(key, this.#dirty.get(key) as P);
      this.#dirty.delete(key);
      this.#pump();
      if (this.size() === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
